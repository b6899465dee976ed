// Package pgtest gives tests of any package a PostgreSQL database of their
// own, and a connection to it that can be cut, so that the PostgreSQL
// backend is tested against a real server. NEWSWIRE_TEST_POSTGRES names the
// server (.ci/run always sets it); without it the tests that need one skip.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Env names the PostgreSQL server the tests may use, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const Env = "NEWSWIRE_TEST_POSTGRES"

// Need skips tb unless Env is set.
func Need(tb testing.TB) {
	tb.Helper()
	if os.Getenv(Env) == "" {
		tb.Skip(Env + " is not set")
	}
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// FreshSchema creates a schema of its own for one test in the database Env
// names and returns that database's URL with search_path set to it. The
// schema is dropped when the test ends, after the stores the test opened
// later have closed (cleanups run last-registered first).
func FreshSchema(tb testing.TB) string {
	tb.Helper()
	Need(tb)
	base := os.Getenv(Env)
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("pgx", base)
		if adminErr == nil {
			adminErr = admin.Ping()
		}
	})
	if adminErr != nil {
		tb.Fatalf("%s: %v", Env, adminErr)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Close closes the shared admin connection; call it from TestMain.
func Close() {
	if admin != nil {
		admin.Close()
	}
}

// Proxy forwards a loopback port to a PostgreSQL server, and can be
// unplugged (every connection cut, new ones refused) and plugged back on
// the same port: a database that becomes unreachable and comes back.
type Proxy struct {
	target, Addr string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

// NewProxy starts a proxy to target (host:port), unplugged at cleanup.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	p := &Proxy{target: target}
	p.Plug(tb, "127.0.0.1:0")
	tb.Cleanup(p.Unplug)
	return p
}

// Via returns loc (a PostgreSQL URL) with its host replaced by the proxy.
func (p *Proxy) Via(tb testing.TB, loc string) string {
	tb.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		tb.Fatal(err)
	}
	u.Host = p.Addr
	return u.String()
}

// Plug listens on addr (the proxy's own address to plug it back).
func (p *Proxy) Plug(tb testing.TB, addr string) {
	tb.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.Addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// Unplug cuts every connection and stops listening.
func (p *Proxy) Unplug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
