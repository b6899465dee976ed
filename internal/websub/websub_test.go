package websub_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/websub"
)

// checkSignature verifies X-Hub-Signature as a subscriber would.
func checkSignature(t *testing.T, n notification, secret string) {
	t.Helper()
	sig, ok := strings.CutPrefix(n.header.Get("X-Hub-Signature"), "sha256=")
	if !ok {
		t.Fatalf("X-Hub-Signature = %q, want sha256=<hex>", n.header.Get("X-Hub-Signature"))
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		t.Fatalf("X-Hub-Signature is not hex: %v", err)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(n.body)
	if !hmac.Equal(got, m.Sum(nil)) {
		t.Errorf("X-Hub-Signature does not match the body under the secret")
	}
}

func TestSubscribeVerifyAndReceiveSignedContent(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL(), "hub.lease_seconds", "7200", "hub.secret", "كلمة-سر secret")

	if n := e.subscribers()[topicPolitics]; n != 0 {
		t.Fatalf("%d subscribers before verification, want 0", n)
	}
	e.runDue()
	vs := sub.verified()
	if len(vs) != 1 {
		t.Fatalf("%d verification requests, want 1", len(vs))
	}
	v := vs[0]
	for key, want := range map[string]string{
		"hub.mode": "subscribe", "hub.topic": topicPolitics, "hub.lease_seconds": "7200", "sub": "7",
	} {
		if got := v.Get(key); got != want {
			t.Errorf("verification %s = %q, want %q", key, got, want)
		}
	}
	if len(v.Get("hub.challenge")) < 16 {
		t.Errorf("hub.challenge %q is too short to be unguessable", v.Get("hub.challenge"))
	}
	if got := e.subscribers(); got[topicPolitics] != 1 || len(got) != 1 {
		t.Fatalf("subscribers after verification = %v, want politics: 1", got)
	}

	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics, topicSports) // sports has no subscriber: nothing to do there
	if len(sub.received()) != 0 {
		t.Fatal("delivered before the queue ran")
	}
	e.runDue()
	got := sub.received()
	if len(got) != 1 {
		t.Fatalf("%d notifications, want 1", len(got))
	}
	n := got[0]
	if string(n.body) != rssBody("v2") {
		t.Errorf("body = %q, want the current feed", n.body)
	}
	if ct := n.header.Get("Content-Type"); ct != rssType {
		t.Errorf("Content-Type = %q, want %q", ct, rssType)
	}
	if link, want := n.header.Get("Link"), `<`+hubURL+`>; rel="hub", <`+topicPolitics+`>; rel="self"`; link != want {
		t.Errorf("Link = %q, want %q", link, want)
	}
	checkSignature(t, n, "كلمة-سر secret")
	if e.ok.Load() != 1 || e.fail.Load() != 0 {
		t.Errorf("OnDelivery: ok %d, failed %d; want 1, 0", e.ok.Load(), e.fail.Load())
	}
	if calls := e.feeds.calls.Load(); calls != 1 {
		t.Errorf("Content called %d times, want 1 (only topics with subscribers)", calls)
	}
	if q := e.queue(); len(q) != 0 {
		t.Errorf("queue after delivery = %+v", q)
	}
}

func TestWithoutSecretNoSignature(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	e.publish(topicPolitics)
	e.runDue()
	got := sub.received()
	if len(got) != 1 {
		t.Fatalf("%d notifications, want 1", len(got))
	}
	if sig := got[0].header.Get("X-Hub-Signature"); sig != "" {
		t.Errorf("X-Hub-Signature = %q without a secret", sig)
	}
}

func TestLeaseGranted(t *testing.T) {
	tests := []struct {
		name, asked, granted string
	}{
		{"none asked: the default", "", fmt.Sprint(int((10 * 24 * time.Hour).Seconds()))},
		{"within bounds: as asked", "86400", "86400"},
		{"too short: the minimum", "60", "3600"},
		{"too long: the maximum", "999999999999", fmt.Sprint(int((30 * 24 * time.Hour).Seconds()))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			sub := newSubscriber(t)
			var extra []string
			if tt.asked != "" {
				extra = []string{"hub.lease_seconds", tt.asked}
			}
			e.subscribe(topicPolitics, sub.URL(), extra...)
			e.runDue()
			vs := sub.verified()
			if len(vs) != 1 || vs[0].Get("hub.lease_seconds") != tt.granted {
				t.Fatalf("verification = %v, want hub.lease_seconds=%s", vs, tt.granted)
			}
		})
	}
}

func TestSubscriberThatDoesNotConfirmIsNotSubscribed(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, challenge string)
	}{
		{"wrong body", func(w http.ResponseWriter, _ string) { w.Write([]byte("hello")) }},
		{"empty body", func(w http.ResponseWriter, _ string) { w.WriteHeader(http.StatusOK) }},
		{"404 with the challenge", func(w http.ResponseWriter, c string) {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(c))
		}},
		{"redirect", func(w http.ResponseWriter, c string) {
			w.Header().Set("Location", "/elsewhere?hub.challenge="+c)
			w.WriteHeader(http.StatusFound)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			sub := newSubscriber(t)
			sub.answer = tt.answer
			e.subscribe(topicPolitics, sub.URL(), "hub.secret", "s")
			e.runDue()
			if n := len(sub.verified()); n != 1 {
				t.Fatalf("%d verification requests, want 1", n)
			}
			if got := e.subscribers(); len(got) != 0 {
				t.Errorf("subscribers = %v, want none", got)
			}
			if ins, err := e.st.WebSubIntents(context.Background()); err != nil || len(ins) != 0 {
				t.Errorf("pending requests = %+v, %v; want the refused one forgotten", ins, err)
			}
			e.feeds.set(topicPolitics, rssBody("v2"))
			e.publish(topicPolitics)
			e.runDue()
			if n := len(sub.received()); n != 0 {
				t.Errorf("an unverified callback received %d notifications", n)
			}
		})
	}
}

// A verification that fails for a transient reason is retried with backoff.
func TestVerificationRetriedAfterServerError(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	var mu sync.Mutex
	calls := 0
	sub.answer = func(w http.ResponseWriter, c string) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(c))
	}
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	if len(e.subscribers()) != 0 || len(sub.verified()) != 1 {
		t.Fatalf("after a 503: subscribers %v, %d verifications", e.subscribers(), len(sub.verified()))
	}
	e.runDue() // not due yet
	if n := len(sub.verified()); n != 1 {
		t.Fatalf("verification retried at once: %d requests", n)
	}
	e.clock.Advance(30 * time.Second)
	e.runDue()
	if got := e.subscribers(); got[topicPolitics] != 1 {
		t.Errorf("subscribers after the retry = %v, want politics: 1", got)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	const cb = "http://127.0.0.1:9/cb"
	form := func(kv ...string) url.Values {
		v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicPolitics}, "hub.callback": {cb}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	tests := []struct {
		name   string
		form   url.Values
		reason string
	}{
		{"missing mode", form("hub.mode", ""), "missing hub.mode"},
		{"publish mode", form("hub.mode", "publish"), "hub.mode must be subscribe or unsubscribe"},
		{"missing topic", form("hub.topic", ""), "missing hub.topic"},
		{"unknown topic", form("hub.topic", "https://news.example/feeds/nope.rss"), "unknown hub.topic"},
		{"foreign topic", form("hub.topic", "https://elsewhere.example/feed"), "unknown hub.topic"},
		{"missing callback", form("hub.callback", ""), "missing hub.callback"},
		{"relative callback", form("hub.callback", "/cb"), "absolute http or https URL"},
		{"callback without host", form("hub.callback", "http:///cb"), "absolute http or https URL"},
		{"ftp callback", form("hub.callback", "ftp://sub.example/cb"), "absolute http or https URL"},
		{"unparseable callback", form("hub.callback", "http://[::1/cb"), "absolute http or https URL"},
		{"huge callback", form("hub.callback", "http://sub.example/"+strings.Repeat("a", 3000)), "longer than"},
		{"lease not a number", form("hub.lease_seconds", "soon"), "hub.lease_seconds must be a positive"},
		{"negative lease", form("hub.lease_seconds", "-5"), "hub.lease_seconds must be a positive"},
		{"zero lease", form("hub.lease_seconds", "0"), "hub.lease_seconds must be a positive"},
		{"secret of 200 bytes", form("hub.secret", strings.Repeat("s", 200)), "hub.secret must be shorter than 200 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.request(tt.form)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.reason) {
				t.Errorf("status %d, body %q; want 400 with %q", w.Code, w.Body, tt.reason)
			}
		})
	}
	t.Run("not form-encoded", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/websub", strings.NewReader(`{"hub.mode":"subscribe"}`))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.hub.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "x-www-form-urlencoded") {
			t.Errorf("status %d, body %q; want 400 naming the form encoding", w.Code, w.Body)
		}
	})
	t.Run("parameters in the query only", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/websub?"+form().Encode(), strings.NewReader(""))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.hub.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest {
			t.Errorf("status %d, want 400: parameters belong in the body", w.Code)
		}
	})
	t.Run("GET", func(t *testing.T) {
		w := httptest.NewRecorder()
		e.hub.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/websub", nil))
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != http.MethodPost {
			t.Errorf("status %d, Allow %q; want 405, POST", w.Code, w.Header().Get("Allow"))
		}
	})
	if ins, err := e.st.WebSubIntents(context.Background()); err != nil || len(ins) != 0 {
		t.Errorf("refused requests were stored: %+v, %v", ins, err)
	}
	// The boundaries themselves are accepted.
	if w := e.request(form("hub.secret", strings.Repeat("s", 199), "hub.lease_seconds", "1")); w.Code != http.StatusAccepted {
		t.Errorf("a 199-byte secret and a 1 s lease: %d %s, want 202", w.Code, w.Body)
	}
}

func TestUnsubscribeStopsDeliveries(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	e.publish(topicPolitics)
	e.runDue()
	if n := len(sub.received()); n != 1 {
		t.Fatalf("%d notifications before unsubscribing, want 1", n)
	}

	e.unsubscribe(topicPolitics, sub.URL())
	if e.subscribers()[topicPolitics] != 1 {
		t.Fatal("unsubscribe took effect before verification")
	}
	e.runDue()
	vs := sub.verified()
	if last := vs[len(vs)-1]; last.Get("hub.mode") != "unsubscribe" || last.Get("hub.lease_seconds") != "" {
		t.Errorf("unsubscribe verification = %v; want hub.mode=unsubscribe without a lease", last)
	}
	if got := e.subscribers(); len(got) != 0 {
		t.Fatalf("subscribers after a verified unsubscribe = %v", got)
	}
	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics)
	e.runDue()
	if n := len(sub.received()); n != 1 {
		t.Errorf("%d notifications, want still 1 after unsubscribing", n)
	}
}

func TestUnverifiedUnsubscribeKeepsSubscription(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	// Someone else asks to unsubscribe this callback; the subscriber does
	// not confirm.
	sub.answer = func(w http.ResponseWriter, _ string) { http.NotFound(w, nil) }
	e.unsubscribe(topicPolitics, sub.URL())
	e.runDue()
	if e.subscribers()[topicPolitics] != 1 {
		t.Errorf("an unconfirmed unsubscribe removed the subscription")
	}
}

func TestLeaseExpiryStopsDeliveriesAndPurges(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL(), "hub.lease_seconds", "3600")
	e.runDue()
	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics) // queued while the lease runs, not sent before it ends

	e.clock.Advance(time.Hour)
	e.runDue()
	if n := len(sub.received()); n != 0 {
		t.Errorf("%d notifications after the lease ended, want 0", n)
	}
	if got := e.subscribers(); len(got) != 0 {
		t.Errorf("subscribers after the lease = %v", got)
	}
	subs, err := e.st.WebSubSubscriptions(context.Background())
	if err != nil || len(subs) != 0 {
		t.Errorf("stored subscriptions after the lease = %+v, %v; want purged", subs, err)
	}
	if q := e.queue(); len(q) != 0 {
		t.Errorf("queue after the lease = %+v", q)
	}
	e.feeds.set(topicPolitics, rssBody("v3"))
	e.publish(topicPolitics)
	e.runDue()
	if n := len(sub.received()); n != 0 {
		t.Errorf("%d notifications after the lease ended, want 0", n)
	}
}

func TestResubscribeRenewsLease(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL(), "hub.lease_seconds", "3600", "hub.secret", "old")
	e.runDue()
	e.clock.Advance(50 * time.Minute)
	e.subscribe(topicPolitics, sub.URL(), "hub.lease_seconds", "7200", "hub.secret", "new")
	e.runDue()
	if n := len(sub.verified()); n != 2 {
		t.Fatalf("%d verifications, want 2: a renewal is verified again", n)
	}
	e.clock.Advance(30 * time.Minute) // past the first lease, within the renewed one
	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics)
	e.runDue()
	got := sub.received()
	if len(got) != 1 {
		t.Fatalf("%d notifications within the renewed lease, want 1", len(got))
	}
	checkSignature(t, got[0], "new")
}

func TestRetryAfterServerError(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	sub.status = func(n int) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	e.publish(topicPolitics)
	e.runDue()
	q := e.queue()
	if len(sub.received()) != 1 || len(q) != 1 {
		t.Fatalf("after a 500: %d notifications, queue %+v; want 1 and the delivery still queued", len(sub.received()), q)
	}
	if q[0].Attempts != 1 || !strings.Contains(q[0].LastError, "500") || !q[0].NextAttempt.After(e.clock.Now()) {
		t.Errorf("queued after a 500: %+v; want 1 attempt, the error and a later next attempt", q[0])
	}
	e.runDue()
	if n := len(sub.received()); n != 1 {
		t.Fatalf("retried before the backoff: %d notifications", n)
	}
	e.clock.Advance(30 * time.Second)
	e.runDue()
	got := sub.received()
	if len(got) != 2 || string(got[1].body) != rssBody("v1") {
		t.Fatalf("after the backoff: %d notifications, want the content again", len(got))
	}
	if q := e.queue(); len(q) != 0 {
		t.Errorf("queue after the successful retry = %+v", q)
	}
	if e.ok.Load() != 1 || e.fail.Load() != 1 {
		t.Errorf("OnDelivery: ok %d, failed %d; want 1, 1", e.ok.Load(), e.fail.Load())
	}
}

func TestDeliveryDroppedAfterMaxAttempts(t *testing.T) {
	e := newEnv(t, func(o *websub.Options) { o.MaxAttempts = 3 })
	sub := newSubscriber(t)
	sub.status = func(int) int { return http.StatusBadGateway }
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	e.publish(topicPolitics)
	for range 5 {
		e.runDue()
		e.clock.Advance(10 * time.Minute) // past any backoff of the first attempts
	}
	if n := len(sub.received()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	if q := e.queue(); len(q) != 0 {
		t.Errorf("queue after giving up = %+v", q)
	}
	if e.subscribers()[topicPolitics] != 1 {
		t.Error("a failing subscriber lost its subscription; only its lease or a 410 ends it")
	}
}

func TestGoneEndsSubscription(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	sub.status = func(int) int { return http.StatusGone }
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	e.publish(topicPolitics)
	e.runDue()
	if got := e.subscribers(); len(got) != 0 {
		t.Errorf("subscribers after a 410 = %v", got)
	}
	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics)
	e.clock.Advance(time.Hour)
	e.runDue()
	if n := len(sub.received()); n != 1 {
		t.Errorf("%d notifications, want 1 (none after the 410)", n)
	}
}

func TestPendingDeliverySurvivesRestart(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	failing := true
	var mu sync.Mutex
	sub.status = func(int) int {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	}
	e.subscribe(topicPolitics, sub.URL(), "hub.secret", "k")
	e.runDue()
	e.publish(topicPolitics)
	e.runDue() // fails once: queued with its backoff
	if err := e.hub.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	failing = false
	mu.Unlock()
	st := openStore(t, e.path)
	e.st = st
	e.hub = e.newHub(st)
	e.clock.Advance(time.Minute)
	e.runDue()
	got := sub.received()
	if len(got) != 2 {
		t.Fatalf("%d notifications, want the failed one and the one after the restart", len(got))
	}
	if string(got[1].body) != rssBody("v1") {
		t.Errorf("after the restart the body is %q", got[1].body)
	}
	checkSignature(t, got[1], "k")
	if q := e.queue(); len(q) != 0 {
		t.Errorf("queue after the restart = %+v", q)
	}
}

func TestPublishIsIdempotent(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()

	// A second instance on the same database notices the same change.
	other := e.newHub(openStore(t, e.path))
	e.publish(topicPolitics)
	e.publish(topicPolitics)
	if err := other.Publish(context.Background(), topicPolitics, topicPolitics); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	if err := other.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.publish(topicPolitics) // after delivery, still unchanged
	e.runDue()
	if n := len(sub.received()); n != 1 {
		t.Fatalf("%d notifications of unchanged content, want 1", n)
	}

	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics)
	e.runDue()
	got := sub.received()
	if len(got) != 2 || string(got[1].body) != rssBody("v2") {
		t.Errorf("after a change: %d notifications, want 2 ending with v2", len(got))
	}
}

func TestNewerContentReplacesUndelivered(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	e.publish(topicPolitics)
	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics)
	e.runDue()
	got := sub.received()
	if len(got) != 1 || string(got[0].body) != rssBody("v2") {
		t.Errorf("%d notifications; want one, of the newest feed", len(got))
	}
}

func TestPrivateCallbacksRefused(t *testing.T) {
	e := newEnv(t, func(o *websub.Options) { o.AllowPrivateCallbacks = false })
	sub := newSubscriber(t)
	for _, cb := range []string{sub.URL(), "http://[::1]:9/cb", "http://10.0.0.1/cb", "http://169.254.169.254/latest"} {
		form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicPolitics}, "hub.callback": {cb}}
		w := e.request(form)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "private or reserved address") {
			t.Errorf("callback %s: %d %q; want 400 naming the private address", cb, w.Code, w.Body)
		}
	}
	if n := len(sub.verified()); n != 0 {
		t.Errorf("the refused callback was contacted %d times", n)
	}
}

// A subscription to a loopback callback that got in (DNS changed after the
// check, or the setting was on) is still never dialled by a guarded hub.
func TestDialGuardBlocksPrivateCallbacks(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue() // verified while private callbacks were allowed

	e.opts.AllowPrivateCallbacks = false
	guarded := e.newHub(e.st)
	if err := guarded.Publish(context.Background(), topicPolitics); err != nil {
		t.Fatal(err)
	}
	if err := guarded.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(sub.received()); n != 0 {
		t.Fatalf("the guarded hub reached a loopback callback %d times", n)
	}
	q := e.queue()
	if len(q) != 1 || !strings.Contains(q[0].LastError, "blocked address") {
		t.Errorf("queue = %+v; want the delivery kept with a blocked-address error", q)
	}
}

func TestPingExternal(t *testing.T) {
	var (
		mu    sync.Mutex
		forms []url.Values
		types []string
	)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		forms = append(forms, r.PostForm)
		types = append(types, r.Header.Get("Content-Type"))
		mu.Unlock()
		if r.PostForm.Get("hub.url") == "https://news.example/feeds/broken.rss" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hub.Close)

	if err := websub.PingExternal(context.Background(), hub.Client(), hub.URL, topicPolitics, topicSports); err != nil {
		t.Fatal(err)
	}
	if len(forms) != 2 {
		t.Fatalf("%d pings, want one per topic", len(forms))
	}
	for i, topic := range []string{topicPolitics, topicSports} {
		if f := forms[i]; f.Get("hub.mode") != "publish" || f.Get("hub.url") != topic || len(f) != 2 {
			t.Errorf("ping %d = %v; want hub.mode=publish&hub.url=%s", i, f, topic)
		}
		if types[i] != "application/x-www-form-urlencoded" {
			t.Errorf("ping %d Content-Type = %q", i, types[i])
		}
	}

	err := websub.PingExternal(context.Background(), hub.Client(), hub.URL, "https://news.example/feeds/broken.rss", topicSports)
	if err == nil || !strings.Contains(err.Error(), "broken.rss") || !strings.Contains(err.Error(), "500") {
		t.Errorf("ping answered 500: error %v, want one naming the topic and status", err)
	}
	if len(forms) != 4 {
		t.Errorf("%d pings in all, want 4: a failing topic does not stop the others", len(forms))
	}
}

func TestCloseWaitsForInFlightDelivery(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	sub.arrived, sub.release = make(chan struct{}), make(chan struct{})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.hub.Start(ctx)
	e.publish(topicPolitics) // wakes the loop
	waitFor(t, sub.arrived, "the delivery to arrive")

	cancel() // the shutdown signal: no new work, in-flight work goes on
	type closeResult struct {
		err error
		ok  int32 // OnDelivery(true) calls when Close returned
	}
	closed := make(chan closeResult, 1)
	go func() {
		closeCtx, stop := context.WithTimeout(context.Background(), time.Minute) // a bound on a hang
		defer stop()
		err := e.hub.Close(closeCtx)
		closed <- closeResult{err, e.ok.Load()}
	}()
	select {
	case r := <-closed:
		t.Fatalf("Close returned (%v) while a delivery was in flight", r.err)
	default:
	}
	close(sub.release)
	r := <-closed
	if r.err != nil {
		t.Fatalf("Close: %v", r.err)
	}
	if r.ok != 1 {
		t.Errorf("OnDelivery(true) called %d times before Close returned, want 1", r.ok)
	}
	if q := e.queue(); len(q) != 0 {
		t.Errorf("queue after Close = %+v; want the delivery recorded as done", q)
	}
}

func TestCloseDeadlineCancelsInFlightDelivery(t *testing.T) {
	e := newEnv(t)
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	sub.arrived, sub.release = make(chan struct{}), make(chan struct{}) // never released

	e.hub.Start(context.Background())
	e.publish(topicPolitics)
	waitFor(t, sub.arrived, "the delivery to arrive")

	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.hub.Close(expired); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close past its deadline = %v, want context.Canceled", err)
	}
	q := e.queue()
	if len(q) != 1 || q[0].Attempts != 0 {
		t.Errorf("queue = %+v; want the cut-off delivery still queued, not counted as an attempt", q)
	}
	if e.ok.Load()+e.fail.Load() != 0 {
		t.Errorf("OnDelivery called for a delivery cut off by shutdown")
	}
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute): // a bound on a hang
		t.Fatalf("timed out waiting for %s", what)
	}
}

func FuzzServeHTTP(f *testing.F) {
	for _, seed := range []string{
		"hub.mode=subscribe&hub.topic=" + url.QueryEscape(topicPolitics) + "&hub.callback=http%3A%2F%2F127.0.0.1%3A9%2Fcb",
		"hub.mode=unsubscribe&hub.topic=" + url.QueryEscape(topicPolitics) + "&hub.callback=http%3A%2F%2F127.0.0.1%3A9%2Fcb",
		"hub.mode=subscribe&hub.topic=" + url.QueryEscape(topicPolitics) + "&hub.callback=http%3A%2F%2F127.0.0.1%2Fcb&hub.lease_seconds=99999999999999999999",
		"hub.mode=subscribe&hub.mode=unsubscribe&hub.secret=%ff%fe",
		"hub.callback=%zz",
		"",
	} {
		f.Add(seed)
	}
	// One hub for all inputs: the store only grows with accepted requests.
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/websub", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.hub.ServeHTTP(w, r)
		if w.Code != http.StatusAccepted && w.Code != http.StatusBadRequest {
			t.Errorf("status %d for %q: want 202 or 400", w.Code, body)
		}
	})
}

// Callbacks that never answer a verification (anyone may ask the hub to
// verify one) must not hold up deliveries to a subscriber who answers.
func TestHangingVerificationsDoNotHoldUpDeliveries(t *testing.T) {
	// The hanging callbacks' timeout is far past the bound below: only
	// workers free of them deliver within it.
	e := newEnv(t, func(o *websub.Options) { o.Workers, o.Timeout = 2, 10*time.Minute })
	sub := newSubscriber(t)
	e.subscribe(topicPolitics, sub.URL())
	e.runDue()
	if e.subscribers()[topicPolitics] != 1 {
		t.Fatal("subscriber not verified")
	}

	// These callbacks answer only once the delivery has arrived.
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	for i := range 6 {
		e.subscribe(topicPolitics, fmt.Sprintf("%s/cb%d", hang.URL, i))
	}
	e.feeds.set(topicPolitics, rssBody("v2"))
	e.publish(topicPolitics)

	done := make(chan struct{})
	go func() { e.runDue(); close(done) }()
	failed := time.After(time.Minute) // only a bound on a hang
	for len(sub.received()) == 0 {
		select {
		case <-failed:
			free()
			t.Fatal("no delivery while verifications hang")
		case <-time.After(5 * time.Millisecond):
		}
	}
	free()
	<-done
}
