package main

import (
	"flag"

	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/ingest"
)

// envHelp lists the environment variables every command reads.
const envHelp = `
Environment:
  NEWSWIRE_CONFIG    config file (YAML), like --config
  NEWSWIRE_DB        database file or postgres:// URL, like --db
  NEWSWIRE_LISTEN    listen address, like --listen
  NEWSWIRE_INSTANCE  this instance's name, like --instance (serve, fetch)
A flag wins over its variable, the variable over the config file.
`

// configFlags are the flags shared by the commands that read the config.
type configFlags struct {
	path, db, listen string
}

func (c *configFlags) register(fs *flag.FlagSet, withListen bool) {
	fs.StringVar(&c.path, "config", "", "config `file` (YAML); default none ($NEWSWIRE_CONFIG)")
	fs.StringVar(&c.db, "db", "", "database: SQLite file `path`, or postgres:// URL (default ./newswire.db; $NEWSWIRE_DB)")
	if withListen {
		fs.StringVar(&c.listen, "listen", "", "listen `address` (default 127.0.0.1:8080; $NEWSWIRE_LISTEN)")
	}
}

// load builds the configuration in layers: defaults, the config file,
// NEWSWIRE_* variables, then the flags that were set, and validates it.
func (m *Main) loadConfig(fs *flag.FlagSet, c *configFlags) (*config.Config, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	path := m.Getenv(config.EnvConfig)
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
	cfg.ApplyEnv(m.Getenv)
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
