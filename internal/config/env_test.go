package config

import (
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestApplyEnvPrecedence(t *testing.T) {
	const src = "database: file.db\nlisten: 127.0.0.1:9000\n"
	tests := []struct {
		name       string
		env        map[string]string
		wantDB     string
		wantListen string
	}{
		{"file only", nil, "file.db", "127.0.0.1:9000"},
		{"env wins over file", map[string]string{EnvDB: "env.db", EnvListen: ":7000"}, "env.db", ":7000"},
		{"empty variable is unset", map[string]string{EnvDB: "", EnvListen: ""}, "file.db", "127.0.0.1:9000"},
		{"NEWSWIRE_CONFIG is not a setting", map[string]string{EnvConfig: "other.yaml"}, "file.db", "127.0.0.1:9000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, src)
			cfg.ApplyEnv(envMap(tt.env))
			if cfg.Database != tt.wantDB || cfg.Listen != tt.wantListen {
				t.Errorf("database %q listen %q, want %q %q", cfg.Database, cfg.Listen, tt.wantDB, tt.wantListen)
			}
		})
	}
	// Without a file, env still overrides the defaults.
	cfg := Default()
	cfg.ApplyEnv(envMap(map[string]string{EnvDB: "/data/n.db"}))
	if cfg.Database != "/data/n.db" || cfg.Listen != DefaultListen {
		t.Errorf("defaults + env: %+v", cfg)
	}
}

func TestErrorsNameWhereTheValueCameFrom(t *testing.T) {
	cfg := mustParse(t, "site: {title: x}\nlisten: bad-from-file\n")
	if got := cfg.Validate().Error(); got != `config listen="bad-from-file" (line 2): must be host:port, e.g. 127.0.0.1:8080` {
		t.Errorf("file value: %s", got)
	}

	cfg.ApplyEnv(envMap(map[string]string{EnvListen: "bad-from-env"}))
	got := cfg.Validate().Error()
	if strings.Contains(got, "line") || !strings.Contains(got, "(from NEWSWIRE_LISTEN)") {
		t.Errorf("env value: %s", got)
	}

	cfg.Listen = "bad-from-flag" // what cmd does for --listen
	got = cfg.Validate().Error()
	if strings.Contains(got, "line") || strings.Contains(got, "NEWSWIRE") || !strings.Contains(got, `"bad-from-flag"`) {
		t.Errorf("flag value: %s", got)
	}
}

func TestEnvVars(t *testing.T) {
	names := map[string]bool{}
	for _, v := range EnvVars() {
		if v.Usage == "" {
			t.Errorf("%s has no usage", v.Name)
		}
		names[v.Name] = true
	}
	for _, n := range []string{EnvConfig, EnvDB, EnvListen} {
		if !names[n] {
			t.Errorf("EnvVars lacks %s", n)
		}
	}
}
