package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"
)

// The store reaches the database only through these wrappers of
// database/sql. They do the two things every statement needs on both
// backends: its SQL in the backend's dialect, and its text arguments made
// storable (storableText).

// dbPool is a *sql.DB speaking one dialect.
type dbPool struct {
	*sql.DB
	d *dialect
}

// dbTx is a transaction speaking one dialect.
type dbTx struct {
	*sql.Tx
	d *dialect
}

// stmt is a prepared statement whose text arguments are made storable.
type stmt struct{ *sql.Stmt }

func (p *dbPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return p.DB.ExecContext(ctx, p.d.sql(q), storableArgs(args)...)
}

func (p *dbPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.DB.QueryContext(ctx, p.d.sql(q), storableArgs(args)...)
}

func (p *dbPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.DB.QueryRowContext(ctx, p.d.sql(q), storableArgs(args)...)
}

func (p *dbPool) PrepareContext(ctx context.Context, q string) (*stmt, error) {
	st, err := p.DB.PrepareContext(ctx, p.d.sql(q))
	if err != nil {
		return nil, err
	}
	return &stmt{st}, nil
}

// BeginTx starts a transaction (on SQLite's writer: BEGIN IMMEDIATE).
func (p *dbPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*dbTx, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &dbTx{tx, p.d}, nil
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.sql(q), storableArgs(args)...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.sql(q), storableArgs(args)...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.sql(q), storableArgs(args)...)
}

// StmtContext returns st bound to the transaction (closed when it ends).
func (t *dbTx) StmtContext(ctx context.Context, st *stmt) *stmt {
	return &stmt{t.Tx.StmtContext(ctx, st.Stmt)}
}

func (s *stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return s.Stmt.ExecContext(ctx, storableArgs(args)...)
}

func (s *stmt) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return s.Stmt.QueryContext(ctx, storableArgs(args)...)
}

func (s *stmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return s.Stmt.QueryRowContext(ctx, storableArgs(args)...)
}

// storableArgs returns args with every string made storable. It copies only
// when one needs changing, which almost never happens.
func storableArgs(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && !isStorable(s) {
			out := append([]any(nil), args...)
			for j := i; j < len(out); j++ {
				if s, ok := out[j].(string); ok {
					out[j] = storableText(s)
				}
			}
			return out
		}
	}
	return args
}

func isStorable(s string) bool { return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) }

// storableText is s as both backends can store it: PostgreSQL refuses NUL
// bytes and invalid UTF-8 in text, so upstream strings (raw dates, ETags,
// error texts, titles) would fail a whole pass there. Each run of invalid bytes
// becomes U+FFFD and NULs are dropped, on SQLite too, so both
// backends store the same text.
func storableText(s string) string {
	if isStorable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
