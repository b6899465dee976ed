package server

import (
	"context"
	"errors"
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

// errTopicMoved means a topic's feed changed while it was rendered for
// WebSub: the render cannot be labelled with one version. The change that
// moved it is announced in its turn, and that publish renders it again.
var errTopicMoved = errors.New("the feed changed while it was rendered")

// TopicContent returns a topic's current feed document and the version (the
// change number of its category, or the global one for all) it was rendered
// from, for WebSub distribution. The version is read from the store before
// and after: a render between two equal reads holds exactly that version,
// whatever other instances write, so the hub can order renders published by
// several instances. The rendered cache serves it when it holds that
// version, like any request.
func (s *Server) TopicContent(ctx context.Context, topic string) ([]byte, string, int64, error) {
	slug, fm, ok := s.topicFeed(topic)
	if !ok {
		return nil, "", 0, fmt.Errorf("topic %q: %w", topic, newsroom.ErrNotFound)
	}
	rq := s.newFeedRequest(slug+"."+fm.Extension(), slug, fm)
	q := &rq
	k := q.key()
	ver, err := s.depVersion(ctx, k.dep)
	if err != nil {
		return nil, "", 0, err
	}
	if f, ok := s.cache.getAt(k, ver); ok {
		body, err := f.plain()
		return body, f.hdrType[0], ver, err
	}
	// In its turn, as a request's render: a change announced to many
	// subscribers must not render beside the requests past the limit.
	f, err := s.renderInTurn(ctx, k, q)
	if err != nil {
		return nil, "", 0, err
	}
	after, err := s.depVersion(ctx, k.dep)
	if err != nil {
		return nil, "", 0, err
	}
	if after != ver {
		return nil, "", 0, fmt.Errorf("topic %s: %w (version %d, then %d)", topic, errTopicMoved, ver, after)
	}
	s.cache.put(k, ver, f) // kept only if the server's versions agree
	body, err := f.plain()
	return body, f.hdrType[0], ver, err
}

// depVersion reads the version a document depends on from the store.
func (s *Server) depVersion(ctx context.Context, dep string) (int64, error) {
	v, err := s.st.Versions(ctx)
	if err != nil {
		return 0, fmt.Errorf("read version of %q: %w", dep, err)
	}
	return v[dep], nil
}

// renderInTurn renders k in a turn of its own, given back however the
// render ends (a panic included: net/http recovers the request's, and a
// turn never given back would stall every later render).
func (s *Server) renderInTurn(ctx context.Context, k cacheKey, q *feedRequest) (*rendered, error) {
	release, err := s.cache.turn(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.name, err)
	}
	defer release()
	return s.renderFeed(ctx, k, q)
}
