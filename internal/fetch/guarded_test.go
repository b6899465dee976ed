package fetch_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/newswire/newswire/internal/fetch"
)

func TestGuardedClientRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})

	c := fetch.NewGuardedClient(fetch.GuardOptions{})
	t.Cleanup(c.CloseIdleConnections)
	resp, err := c.Post(srv.URL, "text/plain", strings.NewReader("x"))
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("guarded POST to loopback: error = %v, want ErrBlockedAddress", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the blocked server was reached %d times", n)
	}

	open := fetch.NewGuardedClient(fetch.GuardOptions{AllowPrivate: true})
	t.Cleanup(open.CloseIdleConnections)
	resp, err = open.Post(srv.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || hits.Load() != 1 {
		t.Errorf("with AllowPrivate: status %d, hits %d; want 204, 1", resp.StatusCode, hits.Load())
	}
}

func TestGuardedClientRedirectPolicy(t *testing.T) {
	var finalHits atomic.Int32
	final := serve(t, func(w http.ResponseWriter, r *http.Request) {
		finalHits.Add(1)
		w.WriteHeader(http.StatusOK)
	})
	redirect := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, final.URL, http.StatusTemporaryRedirect)
	})

	tests := []struct {
		name         string
		maxRedirects int
		wantStatus   int
		wantHits     int32
	}{
		{"no redirects: the 307 is returned", 0, http.StatusTemporaryRedirect, 0},
		{"one redirect allowed: followed", 1, http.StatusOK, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			finalHits.Store(0)
			c := fetch.NewGuardedClient(fetch.GuardOptions{AllowPrivate: true, MaxRedirects: tt.maxRedirects})
			t.Cleanup(c.CloseIdleConnections)
			resp, err := c.Post(redirect.URL, "text/plain", strings.NewReader("body"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || finalHits.Load() != tt.wantHits {
				t.Errorf("status %d, target hits %d; want %d, %d", resp.StatusCode, finalHits.Load(), tt.wantStatus, tt.wantHits)
			}
		})
	}
}

func TestCheckHost(t *testing.T) {
	_, resolver := startDNS(t, map[string]netip.Addr{
		"private.test.": netip.MustParseAddr("10.1.2.3"),
		"public.test.":  netip.MustParseAddr("93.184.215.14"),
	})
	tests := []struct {
		host        string
		wantBlocked bool
		wantErr     bool
	}{
		{"127.0.0.1", true, true},
		{"::1", true, true},
		{"169.254.169.254", true, true},
		{"8.8.8.8", false, false},
		{"2001:4860:4860::8888", false, false},
		{"private.test", true, true},
		{"public.test", false, false},
		// Numeric forms that name an address without dots in the usual
		// places are read as the dial guard reads them, not looked up.
		{"2130706433", true, true},
		{"0x7f.1", true, true},
		{"0177.0.0.1", true, true},
		{"missing.test", false, true}, // does not resolve: an error, but not "blocked"
		{"", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			err := fetch.CheckHost(context.Background(), resolver, tt.host)
			if got := errors.Is(err, fetch.ErrBlockedAddress); got != tt.wantBlocked {
				t.Errorf("CheckHost(%q) = %v; blocked %v, want %v", tt.host, err, got, tt.wantBlocked)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("CheckHost(%q) = %v; want error %v", tt.host, err, tt.wantErr)
			}
		})
	}
}

// The resolver a GuardOptions names is the one used for dialling, and the dial guard judges
// the resolved address.
func TestGuardedClientChecksResolvedAddress(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	_, resolver := startDNS(t, map[string]netip.Addr{"callback.test.": netip.MustParseAddr("127.0.0.1")})
	url := "http://callback.test:" + port + "/"

	c := fetch.NewGuardedClient(fetch.GuardOptions{Resolver: resolver})
	t.Cleanup(c.CloseIdleConnections)
	resp, err := c.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("error = %v, want ErrBlockedAddress", err)
	}
	open := fetch.NewGuardedClient(fetch.GuardOptions{Resolver: resolver, AllowPrivate: true})
	t.Cleanup(open.CloseIdleConnections)
	resp, err = open.Get(url)
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	resp.Body.Close()
}
