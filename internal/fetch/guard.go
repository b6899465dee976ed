package fetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// blockedPrefixes are ranges no upstream feed may live in, beyond what netip's own predicates
// (loopback, RFC 1918/ULA, link-local, multicast, unspecified) cover. Never modified.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"; 0.0.0.0 reaches localhost on Linux
	netip.MustParsePrefix("100.64.0.0/10"),   // RFC 6598 carrier-grade NAT, often internal
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking, used inside labs and clusters
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and 255.255.255.255 broadcast
	netip.MustParsePrefix("::/96"),           // deprecated IPv4-compatible IPv6 (includes :: and ::1)
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
}

// nat64 is the well-known NAT64 prefix: its last 32 bits are an IPv4 address the gateway
// would connect to, so they are judged as that IPv4 address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// isBlocked reports whether a connection to a must be refused when private addresses are not
// allowed. IPv4-mapped and NAT64 IPv6 addresses are judged by the IPv4 address inside.
func isBlocked(a netip.Addr) bool {
	if !a.IsValid() {
		return true
	}
	a = a.WithZone("").Unmap() // Prefix.Contains is false for zoned addresses
	if nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if a.IsUnspecified() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// dialControl returns a net.Dialer.ControlContext hook that checks the address about to be
// connected: after DNS resolution, for every redirect hop and every retry, so neither DNS
// rebinding nor a redirect can reach a blocked address.
func dialControl(blocked func(netip.Addr) bool) func(context.Context, string, string, syscall.RawConn) error {
	return func(_ context.Context, network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot check %s address %q: %v", ErrBlockedAddress, network, address, err)
		}
		if blocked(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrBlockedAddress, ap.Addr())
		}
		return nil
	}
}

// HostAddr is the address a URL's host names when it is one: an IP literal
// ("127.0.0.1", "[::1]"), or an IPv4 address in the forms browsers
// (WHATWG URL) and inet_aton also read: one to four numbers, each decimal,
// octal (a leading 0) or hex (0x), the last filling the bytes left. So
// "2130706433", "0x7f.1", "017700000001" and "127.1" all name 127.0.0.1.
// ok is false for a name to resolve.
func HostAddr(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(host); err == nil {
		return a, true
	}
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := ipv4Number(p)
		last := i == len(parts)-1
		switch {
		case !ok, !last && n > 255, last && n >= 1<<(8*(5-len(parts))):
			return netip.Addr{}, false
		case last:
			v |= n
		default:
			v |= n << (8 * (3 - i))
		}
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// ipv4Number reads one part of a numeric IPv4 host: hex after 0x, octal
// after a leading 0, else decimal.
func ipv4Number(p string) (uint64, bool) {
	base := 10
	switch {
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true // "0x" is 0 to browsers
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" || p[0] == '+' || p[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 32)
	return n, err == nil
}

// guardNumericHosts makes dial judge a numeric host by the address
// browsers read in it, before any resolver sees it: Go's resolver takes
// "0x7f.1" for a name to look up, which a DNS server may answer with any
// address (or none), while getaddrinfo reads it as 127.0.0.1. The address
// read is dialled, so the fetch means what a browser would.
func guardNumericHosts(dial func(ctx context.Context, network, addr string) (net.Conn, error), blocked func(netip.Addr) bool) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return dial(ctx, network, addr)
		}
		if a, ok := HostAddr(host); ok {
			if blocked(a) {
				return nil, fmt.Errorf("%w: %s (host %s)", ErrBlockedAddress, a, host)
			}
			addr = net.JoinHostPort(a.String(), port)
		}
		return dial(ctx, network, addr)
	}
}

// Blocked reports whether the guard refuses to connect to a: loopback,
// private, link-local and other non-public addresses. Callers use it to
// refuse such a source when it is added, before any fetch.
func Blocked(a netip.Addr) bool { return isBlocked(a) }
