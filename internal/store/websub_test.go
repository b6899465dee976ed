package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

const (
	topicPolitics = "https://news.example/feeds/politics.rss"
	topicSports   = "https://news.example/feeds/sports.rss"
)

// subscribe records and confirms a subscription as the hub would after a
// successful verification at now.
func subscribe(t *testing.T, st *store.Store, topic, callback string, lease time.Duration, now time.Time) newsroom.WebSubIntent {
	t.Helper()
	ctx := context.Background()
	id, err := st.RequestWebSub(ctx, newsroom.WebSubIntent{
		Mode: newsroom.WebSubSubscribe, Topic: topic, Callback: callback, Secret: "s3cret", Lease: lease, Requested: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := st.ConfirmWebSubIntent(ctx, id, now)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func queue(t *testing.T, st *store.Store) []newsroom.WebSubDelivery {
	t.Helper()
	q, err := st.WebSubQueue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestWebSubVerificationLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)

		id, err := st.RequestWebSub(ctx, newsroom.WebSubIntent{
			Mode: newsroom.WebSubSubscribe, Topic: topicPolitics, Callback: "https://sub.example/cb",
			Secret: "k", Lease: time.Hour, Requested: t0,
		})
		if err != nil {
			t.Fatal(err)
		}
		// Not due before it was requested; due at that time, once.
		if got, err := st.ClaimWebSubIntents(ctx, t0.Add(-time.Second), time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("claim before due = %v, %v; want nothing", got, err)
		}
		got, err := st.ClaimWebSubIntents(ctx, t0, time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].ID != id || got[0].Lease != time.Hour || got[0].Secret != "k" {
			t.Fatalf("claim = %+v, %v; want request %d", got, err, id)
		}
		if again, err := st.ClaimWebSubIntents(ctx, t0.Add(30*time.Second), time.Minute, 10); err != nil || len(again) != 0 {
			t.Fatalf("claimed twice within the hold: %+v, %v", again, err)
		}
		// A failed attempt makes it due later with the error kept.
		if err := st.RetryWebSubIntent(ctx, id, got[0].Claim, t0.Add(2*time.Minute), "connection refused"); err != nil {
			t.Fatal(err)
		}
		ins, err := st.WebSubIntents(ctx)
		if err != nil || len(ins) != 1 || ins[0].Attempts != 1 || ins[0].LastError != "connection refused" ||
			!ins[0].NextAttempt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("intents after a retry = %+v, %v", ins, err)
		}

		later := t0.Add(2 * time.Minute)
		if _, err := st.ConfirmWebSubIntent(ctx, id, later); err != nil {
			t.Fatal(err)
		}
		subs, err := st.WebSubSubscriptions(ctx)
		if err != nil || len(subs) != 1 {
			t.Fatalf("subscriptions = %+v, %v; want one", subs, err)
		}
		if s := subs[0]; s.Secret != "k" || !s.Verified.Equal(later) || !s.Expires.Equal(later.Add(time.Hour)) {
			t.Errorf("subscription = %+v; want secret k, verified %v, expiring an hour later", s, later)
		}
		if ins, _ := st.WebSubIntents(ctx); len(ins) != 0 {
			t.Errorf("confirmed request still pending: %+v", ins)
		}
		counts, err := st.WebSubSubscribers(ctx, later)
		if err != nil || counts[topicPolitics] != 1 || len(counts) != 1 {
			t.Errorf("subscribers = %v, %v; want politics: 1", counts, err)
		}

		// Unsubscribing, once confirmed, removes it.
		id, err = st.RequestWebSub(ctx, newsroom.WebSubIntent{
			Mode: newsroom.WebSubUnsubscribe, Topic: topicPolitics, Callback: "https://sub.example/cb", Requested: later,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConfirmWebSubIntent(ctx, id, later); err != nil {
			t.Fatal(err)
		}
		if subs, _ := st.WebSubSubscriptions(ctx); len(subs) != 0 {
			t.Errorf("subscriptions after unsubscribe = %+v", subs)
		}
	})
}

func TestWebSubNewerRequestReplacesPendingOne(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		req := newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe, Topic: topicPolitics, Callback: "https://sub.example/cb",
			Lease: time.Hour, Requested: t0}
		first, err := st.RequestWebSub(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		req.Mode = newsroom.WebSubUnsubscribe
		second, err := st.RequestWebSub(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if first == second {
			t.Fatalf("replacement kept id %d", first)
		}
		if _, err := st.ConfirmWebSubIntent(ctx, first, t0); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("confirming the replaced request: %v, want ErrNotFound", err)
		}
		if subs, _ := st.WebSubSubscriptions(ctx); len(subs) != 0 {
			t.Errorf("the replaced subscribe request took effect: %+v", subs)
		}
		if _, err := st.RequestWebSub(ctx, newsroom.WebSubIntent{Mode: "publish", Topic: topicPolitics, Callback: "x"}); err == nil {
			t.Error("mode publish accepted")
		}
	})
}

func TestWebSubEnqueueIsIdempotentPerContent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st, path := db.openAt(t, fixedClock)
		subscribe(t, st, topicPolitics, "https://a.example/cb", time.Hour, t0)
		subscribe(t, st, topicPolitics, "https://b.example/cb", time.Hour, t0)
		subscribe(t, st, topicSports, "https://a.example/cb", time.Hour, t0)

		steps := []struct {
			name, contentType, body string
			version                 int64
			want                    int
		}{
			{"first content", "application/rss+xml", "<rss>1</rss>", 1, 2},
			{"same content again", "application/rss+xml", "<rss>1</rss>", 1, 0},
			{"same content, newer version", "application/rss+xml", "<rss>1</rss>", 2, 0},
			{"same bytes, other type", "application/xml", "<rss>1</rss>", 3, 2},
			{"new content", "application/rss+xml", "<rss>2</rss>", 4, 2},
			{"an older render, late", "application/rss+xml", "<rss>0</rss>", 3, 0},
			{"another render of the queued version", "application/rss+xml", "<rss>2'</rss>", 4, 0},
		}
		for _, s := range steps {
			n, err := st.EnqueueWebSubContent(ctx, topicPolitics, s.contentType, []byte(s.body), s.version, t0)
			if err != nil || n != s.want {
				t.Errorf("%s: queued %d, %v; want %d", s.name, n, err, s.want)
			}
		}
		q := queue(t, st)
		if len(q) != 2 {
			t.Fatalf("queue = %+v; want one delivery per politics subscriber", q)
		}
		claimed, err := st.ClaimWebSubDeliveries(ctx, t0, time.Minute, 10)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		for _, d := range claimed {
			if string(d.Body) != "<rss>2</rss>" || d.ContentType != "application/rss+xml" || d.Topic != topicPolitics {
				t.Errorf("delivery to %s carries %q (%s) of %s; want the newest politics content", d.Callback, d.Body, d.ContentType, d.Topic)
			}
		}
		// Older content nobody needs any more goes at the next purge.
		if _, err := st.PurgeWebSub(ctx, t0); err != nil {
			t.Fatal(err)
		}
		var contents int
		if err := db.raw(t, path).QueryRow(`SELECT count(*) FROM websub_contents`).Scan(&contents); err != nil {
			t.Fatal(err)
		}
		if contents != 1 {
			t.Errorf("%d contents kept, want 1 (the one still queued)", contents)
		}
	})
}

func TestWebSubDeliveryRetryAndFinish(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		subscribe(t, st, topicPolitics, "https://a.example/cb", time.Hour, t0)
		if _, err := st.EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v1"), 1, t0); err != nil {
			t.Fatal(err)
		}
		d := claimOne(t, st, t0)

		if err := st.RetryWebSubDelivery(ctx, d.SubscriptionID, d.Claim, t0.Add(30*time.Second), "http status 500"); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.ClaimWebSubDeliveries(ctx, t0.Add(29*time.Second), time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed before its next attempt: %+v", got)
		}
		d = claimOne(t, st, t0.Add(30*time.Second))
		if d.Attempts != 1 || d.LastError != "http status 500" {
			t.Errorf("after one failure: attempts %d, last error %q", d.Attempts, d.LastError)
		}

		// Newer content arrives while v1 is in flight: finishing v1 leaves v2
		// queued, due at once, with a fresh count.
		if _, err := st.EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v2"), 2, t0.Add(31*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishWebSubDelivery(ctx, d.SubscriptionID, d.Version, d.Claim, true, t0.Add(32*time.Second)); err != nil {
			t.Fatal(err)
		}
		d2 := claimOne(t, st, t0.Add(32*time.Second))
		if string(d2.Body) != "v2" || d2.Attempts != 0 {
			t.Errorf("after finishing v1: queued %q with %d attempts; want v2, 0", d2.Body, d2.Attempts)
		}
		if err := st.FinishWebSubDelivery(ctx, d2.SubscriptionID, d2.Version, d2.Claim, true, t0.Add(33*time.Second)); err != nil {
			t.Fatal(err)
		}
		if q := queue(t, st); len(q) != 0 {
			t.Fatalf("queue after delivery = %+v", q)
		}
		if n, _ := st.EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v2"), 2, t0.Add(34*time.Second)); n != 0 {
			t.Errorf("delivered content queued again: %d", n)
		}

		// Giving up forgets the content, so publishing it again queues it.
		if _, err := st.EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v3"), 3, t0.Add(35*time.Second)); err != nil {
			t.Fatal(err)
		}
		d3 := claimOne(t, st, t0.Add(35*time.Second))
		if err := st.FinishWebSubDelivery(ctx, d3.SubscriptionID, d3.Version, d3.Claim, false, t0.Add(36*time.Second)); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v3"), 3, t0.Add(37*time.Second)); n != 1 {
			t.Errorf("dropped content published again: queued %d, want 1", n)
		}

		// A 410: the subscription and its queued delivery go.
		d4 := claimOne(t, st, t0.Add(37*time.Second))
		if err := st.DeleteWebSubSubscription(ctx, d4.SubscriptionID, d4.Claim); err != nil {
			t.Fatal(err)
		}
		if q := queue(t, st); len(q) != 0 {
			t.Errorf("queue after deleting the subscription = %+v", q)
		}
	})
}

func claimOne(t *testing.T, st *store.Store, now time.Time) newsroom.WebSubDelivery {
	t.Helper()
	got, err := st.ClaimWebSubDeliveries(context.Background(), now, time.Minute, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim at %v = %+v, %v; want one delivery", now, got, err)
	}
	return got[0]
}

func TestWebSubLeaseExpiry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		subscribe(t, st, topicPolitics, "https://short.example/cb", time.Hour, t0)
		subscribe(t, st, topicPolitics, "https://long.example/cb", 48*time.Hour, t0)
		if n, err := st.EnqueueWebSubContent(ctx, topicPolitics, "text/xml", []byte("a"), 1, t0); err != nil || n != 2 {
			t.Fatalf("enqueue = %d, %v", n, err)
		}

		after := t0.Add(time.Hour) // the short lease ends exactly now
		got, err := st.ClaimWebSubDeliveries(ctx, after, time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].Callback != "https://long.example/cb" {
			t.Fatalf("claim after the short lease = %+v, %v; want only the long subscription", got, err)
		}
		if n, _ := st.EnqueueWebSubContent(ctx, topicPolitics, "text/xml", []byte("b"), 2, after); n != 1 {
			t.Errorf("enqueue after the short lease queued %d, want 1", n)
		}
		if counts, _ := st.WebSubSubscribers(ctx, after); counts[topicPolitics] != 1 {
			t.Errorf("active subscribers = %v, want 1", counts)
		}
		n, err := st.PurgeWebSub(ctx, after)
		if err != nil || n != 1 {
			t.Fatalf("purge = %d, %v; want 1", n, err)
		}
		subs, _ := st.WebSubSubscriptions(ctx)
		if len(subs) != 1 || subs[0].Callback != "https://long.example/cb" {
			t.Errorf("subscriptions after purge = %+v", subs)
		}
		for _, d := range queue(t, st) {
			if d.Callback == "https://short.example/cb" {
				t.Errorf("purged subscription still has a queued delivery")
			}
		}
	})
}

func TestWebSubQueueSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	subscribe(t, st, topicPolitics, "https://a.example/cb", time.Hour, t0)
	if _, err := st.EnqueueWebSubContent(ctx, topicPolitics, "text/xml", []byte("kept"), 1, t0); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ = mustOpenAt(t, path, fixedClock)
	d := claimOne(t, st, t0)
	if string(d.Body) != "kept" || d.Secret != "s3cret" || d.Callback != "https://a.example/cb" {
		t.Errorf("after reopening: %+v", d)
	}
}
