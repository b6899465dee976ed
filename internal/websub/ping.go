package websub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PingExternal tells an external hub (config websub.hub_url) that topics
// changed: one form-encoded POST of hub.mode=publish&hub.url=<topic> per
// topic, the de facto publish ping (WebSub leaves it to each hub; one topic
// per request is what every hub accepts). A non-2xx answer is an error
// naming the topic; every topic is tried. A nil client means a plain one with
// a 30 s timeout: the hub URL comes from our own config, so no SSRF guard.
func PingExternal(ctx context.Context, client *http.Client, hubURL string, topics ...string) error {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	var errs []error
	for _, topic := range topics {
		if err := ping(ctx, client, hubURL, topic); err != nil {
			errs = append(errs, fmt.Errorf("ping hub %s for %s: %w", hubURL, topic, err))
		}
	}
	return errors.Join(errs...)
}

func ping(ctx context.Context, client *http.Client, hubURL, topic string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hubURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", DefaultUserAgent)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerBytes))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("http status %s", resp.Status)
	}
	return nil
}
