package main

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/store"
)

// envNamed finds the variables a flag's usage names ("$NEWSWIRE_DB"): a
// command reads exactly those, so its -h lists what it reads, and a
// variable meant for another command cannot break it.
var envNamed = regexp.MustCompile(`\$(NEWSWIRE_[A-Z_]+)`)

// commandEnv is the set of variables the flags of fs name.
func commandEnv(fs *flag.FlagSet) map[string]bool {
	reads := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		for _, m := range envNamed.FindAllStringSubmatch(f.Usage, -1) {
			reads[m[1]] = true
		}
	})
	return reads
}

// envHelp is the Environment lines for the variables in reads, in the
// order config.EnvVars gives them; "" when there are none.
func envHelp(reads map[string]bool) string {
	var b strings.Builder
	for _, v := range config.EnvVars() {
		if reads[v.Name] {
			fmt.Fprintf(&b, "  %-21s %s\n", v.Name, v.Usage)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "\nEnvironment:\n" + b.String() + "A flag wins over its variable, the variable over the config file.\n"
}

// allEnv is every variable newswire reads, for its top-level help.
func allEnv() map[string]bool {
	all := map[string]bool{}
	for _, v := range config.EnvVars() {
		all[v.Name] = true
	}
	return all
}

// configFlags are the flags shared by the commands that read the config.
type configFlags struct {
	path, db, listen string
}

func (c *configFlags) register(fs *flag.FlagSet, withListen bool) {
	fs.StringVar(&c.path, "config", "", "config `file` (YAML); default none ($NEWSWIRE_CONFIG)")
	fs.StringVar(&c.db, "db", "", "database: SQLite file `path`, or postgres:// URL (default ./newswire.db; $NEWSWIRE_DB)")
	if withListen {
		fs.StringVar(&c.listen, "listen", "", "listen `address` (default 127.0.0.1:8080; $NEWSWIRE_LISTEN); "+
			"the admin API is served there too when admin.token or $NEWSWIRE_ADMIN_TOKEN is set")
	}
}

// load builds the configuration in layers: defaults, the config file,
// NEWSWIRE_* variables, then the flags that were set, and validates it.
func (m *Main) loadConfig(fs *flag.FlagSet, c *configFlags) (*config.Config, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// Only the variables this command names in its help: NEWSWIRE_LISTEN
	// set for serve must not break `sources list` in the same shell.
	reads := commandEnv(fs)
	getenv := func(name string) string {
		if !reads[name] {
			return ""
		}
		return m.Getenv(name)
	}
	path := getenv(config.EnvConfig)
	if set["config"] {
		path = c.path
	}
	cfg := config.Default()
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return nil, err
		}
	}
	cfg.ApplyEnv(getenv)
	if set["db"] {
		cfg.Database = c.db
	}
	if set["listen"] {
		cfg.Listen = c.listen
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// instanceFlag registers --instance, for the commands that poll sources.
func instanceFlag(fs *flag.FlagSet) *string {
	return fs.String("instance", "", "this instance's `name` on the sources it polls "+
		"(default host name:process id; $"+config.EnvInstance+")")
}

// instanceName is the flag's value, else the variable's, else the default.
func (m *Main) instanceName(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := m.Getenv(config.EnvInstance); v != "" {
		return v
	}
	return ingest.DefaultInstance()
}

func dbExplicit(fs *flag.FlagSet, getenv func(string) string) bool {
	explicit := getenv(config.EnvDB) != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "db" {
			explicit = true
		}
	})
	return explicit
}

// openConfigured opens the configured database with what every command shares
// (the pool bound, database_max_conns) and opts.
func openConfigured(ctx context.Context, cfg *config.Config, opts ...store.Option) (*store.Store, error) {
	return store.Open(ctx, cfg.Database, append(opts, store.WithMaxConns(cfg.DatabaseMaxConns))...)
}
