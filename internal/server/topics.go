package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// topicFeed splits one of our feed URLs into category slug and format.
func (s *Server) topicFeed(topic string) (slug string, fm feeds.Format, ok bool) {
	name, found := strings.CutPrefix(topic, s.opts.BaseURL+"/feeds/")
	if !found || strings.ContainsAny(name, "/?#") {
		return "", 0, false
	}
	slug, ext, found := strings.Cut(name, ".")
	fm, err := feeds.ParseFormat(ext)
	return slug, fm, found && err == nil && slug != "" && ext == fm.Extension() // the one spelling served
}

// ValidTopic reports whether topic is one of the feeds this server
// publishes, for the WebSub hub's subscribe requests.
func (s *Server) ValidTopic(topic string) bool {
	slug, _, ok := s.topicFeed(topic)
	if !ok {
		return false
	}
	if slug == allFeed {
		return true
	}
	_, err := s.st.Category(context.Background(), slug)
	return err == nil
}

// TopicContent returns a topic's current feed document, from the rendered
// cache like any request, for WebSub distribution.
func (s *Server) TopicContent(ctx context.Context, topic string) ([]byte, string, error) {
	slug, fm, ok := s.topicFeed(topic)
	if !ok {
		return nil, "", fmt.Errorf("topic %q: %w", topic, newsroom.ErrNotFound)
	}
	rq := s.newFeedRequest(slug+"."+fm.Extension(), slug, fm)
	q := &rq
	k := q.key()
	f, ok := s.cache.get(k)
	if !ok {
		var err error
		f, err = s.cache.do(ctx, k, func(ctx context.Context, _ int64) (*rendered, error) {
			return s.renderFeed(ctx, k, q)
		})
		if err != nil {
			return nil, "", err
		}
	}
	return f.body, f.hdrType[0], nil
}
