package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// TestSourcesAddKeepsTheOrigin: `sources add` over a source another door
// created changes its definition, not which door owns it. A config
// source changed from the command line is still removed once the config
// stops declaring it; a source the command line created stays a cli one.
func TestSourcesAddKeepsTheOrigin(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	withWire := filepath.Join(dir, "with.yaml")
	without := filepath.Join(dir, "without.yaml")
	write := func(path, body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(withWire, "database: "+db+"\ncategories: [{slug: world}]\nsources:\n  - {name: wire, url: \"https://wire.example/rss\", categories: [world]}\n")
	write(without, "database: "+db+"\ncategories: [{slug: world}]\n")

	if _, errOut, err := run(t, nil, "sources", "list", "--config", withWire); err != nil {
		t.Fatalf("sources list: %v %s", err, errOut)
	}
	for _, args := range [][]string{
		{"sources", "add", "--config", withWire, "--name", "wire", "--url", "https://wire.example/other.rss", "--category", "world"},
		{"sources", "add", "--config", withWire, "--name", "own", "--url", "https://own.example/rss", "--category", "world"},
		{"sources", "add", "--config", withWire, "--name", "own", "--url", "https://own.example/rss2", "--category", "world"},
	} {
		if _, errOut, err := run(t, nil, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, errOut)
		}
	}
	st := mustOpenStore(t, db)
	for name, want := range map[string]string{"wire": newsroom.OriginConfig, "own": newsroom.OriginCLI} {
		s, err := st.SourceByName(context.Background(), name)
		if err != nil || s.Origin != want {
			t.Errorf("%s: origin %q (%v), want %q", name, s.Origin, err, want)
		}
	}
	st.Close()

	// serve with a config that no longer declares wire removes it.
	if err := pruneWith(t, without); err != nil {
		t.Fatal(err)
	}
	st = mustOpenStore(t, db)
	defer st.Close()
	if _, err := st.SourceByName(context.Background(), "wire"); err == nil {
		t.Error("the config source changed with sources add outlived its removal from the config")
	}
	if _, err := st.SourceByName(context.Background(), "own"); err != nil {
		t.Errorf("the cli source: %v", err)
	}
}

func mustOpenStore(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// pruneWith applies a config's sources as serve does at start.
func pruneWith(t *testing.T, path string) error {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	st := mustOpenStore(t, cfg.Database)
	defer st.Close()
	return syncConfigSources(context.Background(), st, cfg, true)
}
