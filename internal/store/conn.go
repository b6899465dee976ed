package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"github.com/newswire/newswire/internal/newsroom"
)

// A WAL database needs its -shm file (shared memory between connections)
// even to be read. On a read-only mount, or in a folder this user cannot
// write, after a clean shutdown removed -wal and -shm, SQLite can create
// neither, and every connection fails with SQLITE_CANTOPEN. SQLite's
// immutable=1 URI parameter reads such a database without shared memory or
// locks, on the promise that nobody changes the file. Measured with
// modernc.org/sqlite on a read-only bind mount: immutable=1 reads it;
// mode=ro, nolock=1 and locking_mode=EXCLUSIVE (with or without nolock) all
// fail. immutable=1 also ignores the WAL, so it is used only while no -wal
// file holds commits, and left as soon as normal reads work again (the
// write probe checks), so nothing stays stale once anyone writes again.

// accessMode is how the store's connections open the database. Changing it
// bumps gen; connections of an older generation leave their pool when next
// used or returned, and with them the statements prepared on them.
type accessMode struct {
	mu        sync.Mutex
	immutable bool
	gen       atomic.Uint64
}

func (m *accessMode) get() (immutable bool, gen uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.immutable, m.gen.Load()
}

// set changes the mode and reports whether it changed.
func (m *accessMode) set(immutable bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.immutable == immutable {
		return false
	}
	m.immutable = immutable
	m.gen.Add(1)
	return true
}

func (m *accessMode) isImmutable() bool {
	im, _ := m.get()
	return im
}

// connector opens one pool's connections in the store's access mode. The
// writer's (fallback set) opens normally whenever it can, so the write
// probe finds when writes work again, and immutably (its writes then fail
// as read-only) only while the store reads immutably and a normal open
// fails: its statements must still be prepared.
type connector struct {
	normal, immutable driver.Connector
	mode              *accessMode
	fallback          bool
}

// newConnector opens with params normally and with immutableParams
// immutably (journal and sync settings do not apply to an immutable file).
func newConnector(mode *accessMode, fallback bool, path string, params, immutableParams []string) (*connector, error) {
	normal, err := sqlite.NewConnector(dsn(path, params...))
	if err != nil {
		return nil, err
	}
	immutable, err := sqlite.NewConnector(dsn(path, append([]string{"immutable=1"}, immutableParams...)...))
	if err != nil {
		return nil, err
	}
	return &connector{normal: normal, immutable: immutable, mode: mode, fallback: fallback}, nil
}

func (c *connector) Driver() driver.Driver { return c.normal.Driver() }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	im, gen := c.mode.get()
	from := c.normal
	if im && !c.fallback {
		from = c.immutable
	}
	dc, err := from.Connect(ctx)
	if err != nil && im && c.fallback && errors.Is(classify(err), newsroom.ErrStorage) {
		dc, err = c.immutable.Connect(ctx)
	}
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(sqliteConn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("open database: driver connection %T lacks the context methods", dc)
	}
	return &modeConn{sqliteConn: sc, gen: gen, mode: c.mode}, nil
}

// sqliteConn is what every modernc.org/sqlite connection implements and a
// wrapper must forward (see sqlite.NewConnector).
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// modeConn is a connection opened in one generation of the access mode.
type modeConn struct {
	sqliteConn
	gen  uint64
	mode *accessMode
}

// Unwrap returns the driver's connection (sqlite.Limit looks for it).
func (c *modeConn) Unwrap() driver.Conn { return c.sqliteConn }

func (c *modeConn) current() bool { return c.gen == c.mode.gen.Load() }

// IsValid drops a connection of an older mode when it is returned to the
// pool.
func (c *modeConn) IsValid() bool { return c.current() && c.sqliteConn.IsValid() }

// ResetSession drops an idle connection of an older mode before reuse.
func (c *modeConn) ResetSession(ctx context.Context) error {
	if !c.current() {
		return driver.ErrBadConn
	}
	return c.sqliteConn.ResetSession(ctx)
}

// immutableSafe reports whether reading the database at path immutably
// reads everything committed: true when no -wal file holds frames. A -wal
// with commits not yet copied into the database file would be ignored.
func immutableSafe(path string) (bool, error) {
	fi, err := os.Stat(path + "-wal")
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		return false, err
	}
	return fi.Size() == 0, nil
}
