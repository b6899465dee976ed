package newsroom

import (
	"crypto/sha256"
	"errors"
	"time"
)

// WebSub request modes (hub.mode), as stored in WebSubIntent.Mode.
const (
	WebSubSubscribe   = "subscribe"
	WebSubUnsubscribe = "unsubscribe"
)

// WebSubSubscription is a verified subscription of Callback to Topic.
type WebSubSubscription struct {
	ID              int64
	Topic, Callback string
	Secret          string // "" when none was given; keys X-Hub-Signature
	Lease           time.Duration
	Verified        time.Time // last verification (subscribe or renewal)
	Expires         time.Time // Verified + Lease
}

// WebSubIntent is a subscribe or unsubscribe request awaiting verification
// of intent.
type WebSubIntent struct {
	ID              int64
	Mode            string // WebSubSubscribe or WebSubUnsubscribe
	Topic, Callback string
	Secret          string
	Lease           time.Duration // granted lease (subscribe only), whole seconds
	Requested       time.Time
	Attempts        int // verification attempts that failed and may be retried
	NextAttempt     time.Time
	LastError       string
	// Claim identifies the claim ClaimWebSubIntents made on the request;
	// RetryWebSubIntent and DropWebSubIntent act only while it holds.
	Claim int64
}

// ErrClaimLost is returned when a claim on queued WebSub work lapsed and
// another claim (another instance's, likely) took the work over, or the
// work is gone: whoever holds the newer claim finishes it.
var ErrClaimLost = errors.New("websub claim lost")

// WebSubDelivery is a queued distribution of a topic's content to one
// subscription.
type WebSubDelivery struct {
	SubscriptionID  int64
	Topic, Callback string
	Secret          string
	Expires         time.Time // the subscription's lease end
	ContentID       int64
	// Version is the feed version (change number) the content was rendered
	// from; FinishWebSubDelivery records it as delivered.
	Version     int64
	ContentType string
	Body        []byte // set by ClaimWebSubDeliveries only
	Enqueued    time.Time
	Attempts    int // failed attempts so far
	NextAttempt time.Time
	LastError   string
	// Claim identifies the claim ClaimWebSubDeliveries made; Retry, Finish
	// and DeleteWebSubSubscription act only while it holds.
	Claim int64
}

// WebSubContentHash identifies a topic's content for EnqueueWebSubContent:
// the same body under another Content-Type is different content.
func WebSubContentHash(contentType string, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(contentType))
	h.Write([]byte{0})
	h.Write(body)
	return h.Sum(nil)
}
