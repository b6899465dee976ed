package fetch_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/newswire/newswire/internal/fetch"
)

func TestIsBlocked(t *testing.T) {
	tests := []struct {
		addr    string
		blocked bool
	}{
		// IPv4 public
		{"1.1.1.1", false},
		{"8.8.8.8", false},
		{"93.184.215.14", false},
		{"100.63.255.255", false}, // just below RFC 6598
		{"100.128.0.0", false},    // just above RFC 6598
		{"172.15.255.255", false}, // just below 172.16/12
		{"172.32.0.0", false},     // just above 172.16/12
		{"192.167.255.255", false},
		{"223.255.255.255", false}, // last unicast before multicast
		// IPv4 blocked
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"10.0.0.1", true},
		{"10.255.255.255", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"169.254.169.254", true}, // cloud metadata service
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"255.255.255.255", true},
		{"240.0.0.1", true},
		{"192.0.0.170", true},
		{"198.18.0.1", true},
		// IPv6 public
		{"2001:4860:4860::8888", false},
		{"2606:4700:4700::1111", false},
		{"2a00:1450:4001:80b::200e", false},
		// IPv6 blocked
		{"::", true},
		{"::1", true},
		{"fc00::1", true},
		{"fd00::1", true},
		{"fd00:ec2::254", true}, // AWS metadata over IPv6
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"febf:ffff::1", true},
		{"fec0::1", true},
		{"ff02::1", true},
		{"ff05::2", true},
		{"2001:db8::1", true},
		{"::7f00:1", true}, // IPv4-compatible 127.0.0.1
		// IPv4-mapped IPv6 judged by the IPv4 inside
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.1.2.3", true},
		{"::ffff:169.254.169.254", true},
		{"::ffff:100.64.0.1", true},
		{"::ffff:0.0.0.0", true},
		{"::ffff:8.8.8.8", false},
		// NAT64 judged by the IPv4 inside
		{"64:ff9b::7f00:1", true},
		{"64:ff9b::a00:1", true},
		{"64:ff9b::808:808", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tt.addr)
			if got := fetch.IsBlocked(a); got != tt.blocked {
				t.Errorf("IsBlocked(%s) = %v, want %v", tt.addr, got, tt.blocked)
			}
		})
	}
	if !fetch.IsBlocked(netip.Addr{}) {
		t.Error("the zero Addr is not blocked")
	}
}

func TestGuardRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(plainFeed))
	})
	c := newClient(t, fetch.Options{})

	_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL})
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("without AllowPrivate: error = %v, want ErrBlockedAddress", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the blocked server was reached %d times", n)
	}

	if _, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, AllowPrivate: true}); err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	// The connection pooled for the AllowPrivate fetch must not serve a guarded one.
	_, err = c.Fetch(context.Background(), fetch.Request{URL: srv.URL})
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("guarded fetch after an allowed one: error = %v, want ErrBlockedAddress", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("server reached %d times, want 1", n)
	}
}

// only127001 pretends 127.0.0.1 is a public address and everything else is not.
func only127001(a netip.Addr) bool { return a != netip.MustParseAddr("127.0.0.1") }

// listenOn starts a server on the given loopback IP, or returns nil when the system
// cannot bind it (Linux routes all of 127/8 to lo; other systems may not).
func listenOn(t *testing.T, ip string, h http.HandlerFunc) *httptest.Server {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestGuardRefusesRedirectToBlockedAddress(t *testing.T) {
	var reached atomic.Bool
	target := "http://127.0.0.2:9/feed" // nothing listens; the guard must refuse before dialling
	if inner := listenOn(t, "127.0.0.2", func(w http.ResponseWriter, r *http.Request) {
		reached.Store(true)
		w.Write([]byte(plainFeed))
	}); inner != nil {
		target = inner.URL + "/feed" // a real server there: only the guard stands in the way
	}
	outer := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
	c := newClient(t, fetch.WithBlocked(fetch.Options{}, only127001))

	_, err := c.Fetch(context.Background(), fetch.Request{URL: outer.URL})
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("error = %v, want ErrBlockedAddress", err)
	}
	if reached.Load() {
		t.Error("the redirect target was reached")
	}
}

// dnsServer answers A queries from a table that tests may change between lookups, as a
// rebinding attacker's DNS would.
type dnsServer struct {
	mu      sync.Mutex
	records map[string]netip.Addr // "feed.test." -> address
	pc      net.PacketConn
}

func startDNS(t *testing.T, records map[string]netip.Addr) (*dnsServer, *net.Resolver) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{records: records, pc: pc}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.serve()
	}()
	t.Cleanup(func() { pc.Close(); <-done })
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
	return s, r
}

func (s *dnsServer) set(name string, a netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[name] = a
}

func (s *dnsServer) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(buf[:n])
		if err != nil {
			continue
		}
		q, err := p.Question()
		if err != nil {
			continue
		}
		s.mu.Lock()
		a, ok := s.records[q.Name.String()]
		s.mu.Unlock()
		rcode := dnsmessage.RCodeSuccess
		if !ok {
			rcode = dnsmessage.RCodeNameError
		}
		b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RCode: rcode})
		_ = b.StartQuestions()
		_ = b.Question(q)
		_ = b.StartAnswers()
		if ok && q.Type == dnsmessage.TypeA && a.Is4() {
			_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET},
				dnsmessage.AResource{A: a.As4()})
		}
		msg, err := b.Finish()
		if err == nil {
			_, _ = s.pc.WriteTo(msg, from)
		}
	}
}

// A public-looking host name that resolves to loopback is refused: the check is on the
// address dialled, after DNS.
func TestGuardChecksResolvedAddress(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(plainFeed)) })
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	_, resolver := startDNS(t, map[string]netip.Addr{"feed.test.": netip.MustParseAddr("127.0.0.1")})
	c := newClient(t, fetch.Options{Resolver: resolver})
	url := "http://feed.test:" + port + "/"

	_, err := c.Fetch(context.Background(), fetch.Request{URL: url})
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("error = %v, want ErrBlockedAddress", err)
	}
	if _, err := c.Fetch(context.Background(), fetch.Request{URL: url, AllowPrivate: true}); err != nil {
		t.Fatalf("with AllowPrivate, through the test resolver: %v", err)
	}
}

// DNS rebinding: the name first resolves to an allowed address, later to a blocked one.
// Each new connection is checked, so the second answer is refused.
func TestGuardDNSRebinding(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(plainFeed)) })
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dns, resolver := startDNS(t, map[string]netip.Addr{"rebind.test.": netip.MustParseAddr("127.0.0.1")})
	c := newClient(t, fetch.WithBlocked(fetch.Options{Resolver: resolver}, only127001))
	url := "http://rebind.test:" + port + "/"

	if _, err := c.Fetch(context.Background(), fetch.Request{URL: url}); err != nil {
		t.Fatalf("first fetch, resolving to the allowed address: %v", err)
	}
	dns.set("rebind.test.", netip.MustParseAddr("127.0.0.2"))
	c.CloseIdleConnections() // force a new dial, as a later poll would get
	_, err := c.Fetch(context.Background(), fetch.Request{URL: url})
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("after rebinding: error = %v, want ErrBlockedAddress", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.2") {
		t.Errorf("error %q does not name the refused address 127.0.0.2", err)
	}
}

// A numeric host in a form browsers and getaddrinfo read as an address
// ("2130706433" and "0x7f.1" are 127.0.0.1) is judged as that address,
// whatever the resolver says of it: that it is the loopback, that it is
// an allowed address (127.0.0.2 here), or that no such name exists.
func TestGuardReadsNumericHostsAsBrowsersDo(t *testing.T) {
	loop := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(plainFeed)) })
	_, loopPort, _ := net.SplitHostPort(loop.Listener.Addr().String())
	var reached atomic.Bool
	allowed := listenOn(t, "127.0.0.2", func(w http.ResponseWriter, r *http.Request) {
		reached.Store(true)
		w.Write([]byte(plainFeed))
	})
	// Only 127.0.0.1 is blocked: what a resolver calls 127.0.0.2 is reachable.
	only127 := func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }
	hosts := []string{"2130706433", "0x7f.1", "017700000001", "127.1", "0x7f000001", "0177.0.0.1", "127.0.0.1."}
	answers := map[string]netip.Addr{
		"loopback": netip.MustParseAddr("127.0.0.1"),
		"allowed":  netip.MustParseAddr("127.0.0.2"),
		"nxdomain": {},
	}
	for what, answer := range answers {
		if what == "allowed" && allowed == nil {
			continue // no 127.0.0.2 on this system
		}
		records := map[string]netip.Addr{}
		for _, h := range hosts {
			if answer.IsValid() {
				records[strings.TrimSuffix(h, ".")+"."] = answer
			}
		}
		_, resolver := startDNS(t, records)
		c := newClient(t, fetch.WithBlocked(fetch.Options{Resolver: resolver}, only127))
		port := loopPort
		if what == "allowed" {
			_, port, _ = net.SplitHostPort(allowed.Listener.Addr().String())
		}
		for _, h := range hosts {
			_, err := c.Fetch(context.Background(), fetch.Request{URL: "http://" + net.JoinHostPort(h, port) + "/"})
			if !errors.Is(err, fetch.ErrBlockedAddress) {
				t.Errorf("resolver answers %s: %s: %v, want ErrBlockedAddress", what, h, err)
			}
		}
	}
	if reached.Load() {
		t.Error("a numeric host for 127.0.0.1 reached the address its resolver gave")
	}
}

func TestHostAddr(t *testing.T) {
	for host, want := range map[string]string{
		"2130706433":     "127.0.0.1",
		"0x7f.1":         "127.0.0.1",
		"017700000001":   "127.0.0.1",
		"127.1":          "127.0.0.1",
		"0x7f.0.0x0.01":  "127.0.0.1",
		"10.1":           "10.0.0.1",
		"192.168.258":    "192.168.1.2",
		"0":              "0.0.0.0",
		"8.8.8.8":        "8.8.8.8",
		"[::1]":          "::1",
		"4294967295":     "255.255.255.255",
		"4294967296":     "",
		"256.1.1.1":      "",
		"1.2.3.4.5":      "",
		"08.1.1.1":       "", // 8 is no octal digit
		"example.com":    "",
		"1e100.net":      "",
		"-1.0.0.1":       "",
		"feed.example.":  "",
		"127.0.0.1.":     "127.0.0.1",
		"0x":             "0.0.0.0",
		"0xffffffffff":   "",
		"1.0x1000000":    "",
		"1.2.0x10000":    "",
		"1.2.3.0x100":    "",
		"  127.0.0.1":    "",
		"127.0.0.1 ":     "",
		"127..1":         "",
		"":               "",
		"0x7f.0x0.0.0x1": "127.0.0.1",
	} {
		a, ok := fetch.HostAddr(host)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("HostAddr(%q) = %q, want %q", host, got, want)
		}
	}
}
