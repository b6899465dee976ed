package store

import "testing"

func TestPostgresSpelling(t *testing.T) {
	d := postgresDialect("public")
	for in, want := range map[string]string{
		`SELECT a FROM t WHERE x = ? AND y = ?`:            `SELECT a FROM t WHERE x = $1 AND y = $2`,
		`VALUES (?1, ?2, ?1)`:                              `VALUES ($1, $2, $1)`,
		`SELECT '?', "a?" FROM t WHERE x = ?`:              `SELECT '?', "a?" FROM t WHERE x = $1`,
		`SELECT 'it''s ?' WHERE x = ?`:                     `SELECT 'it''s ?' WHERE x = $1`,
		`FROM ac CROSS JOIN articles a ON a.id = ac.a`:     `FROM ac JOIN articles a ON a.id = ac.a`,
		`FROM articles a INDEXED BY articles_latest WHERE`: `FROM articles a WHERE`,
		`INSERT INTO s (t) VALUES (?2::text || ' ' || ?3)`: `INSERT INTO s (t) VALUES ($2::text || ' ' || $3)`,
	} {
		if got := d.sql(in); got != want {
			t.Errorf("sql(%q) = %q, want %q", in, got, want)
		}
		if got := sqliteDialect().sql(in); got != in {
			t.Errorf("SQLite changed %q to %q", in, got)
		}
	}
}
