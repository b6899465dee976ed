package config

// Environment variables newswire reads. A flag wins over its variable, the
// variable over the config file.
const (
	EnvConfig     = "NEWSWIRE_CONFIG"      // config file; read by cmd/newswire, not ApplyEnv
	EnvDB         = "NEWSWIRE_DB"          // database file or postgres:// URL, like --db
	EnvListen     = "NEWSWIRE_LISTEN"      // listen address, like --listen
	EnvAdminToken = "NEWSWIRE_ADMIN_TOKEN" // admin API bearer token, like admin.token
	EnvInstance   = "NEWSWIRE_INSTANCE"    // this instance's name, like --instance; read by cmd/newswire
)

// EnvVar documents one environment variable, for -h.
type EnvVar struct {
	Name  string
	Usage string
}

// EnvVars lists every NEWSWIRE_* variable, in the order -h shows them.
func EnvVars() []EnvVar {
	return []EnvVar{
		{EnvConfig, "config file (YAML), like --config"},
		{EnvDB, "database file or postgres:// URL, like --db"},
		{EnvListen, "listen address, like --listen"},
		{EnvAdminToken, "admin API bearer token, like admin.token (no token: the API is off)"},
		{EnvInstance, "this instance's name on the sources it polls, like --instance (serve, fetch)"},
	}
}

// envValue records that a variable set a key, so errors can say so.
type envValue struct{ name, value string }

// ApplyEnv overrides c with the NEWSWIRE_* variables that getenv reports
// non-empty (NEWSWIRE_DB, NEWSWIRE_LISTEN). NEWSWIRE_CONFIG chooses the file
// and is the command's business.
func (c *Config) ApplyEnv(getenv func(string) string) {
	set := func(key, name string, field *string) {
		v := getenv(name)
		if v == "" {
			return
		}
		*field = v
		if c.env == nil {
			c.env = map[string]envValue{}
		}
		c.env[key] = envValue{name, v}
	}
	set("database", EnvDB, &c.Database)
	set("listen", EnvListen, &c.Listen)
	set("admin.token", EnvAdminToken, &c.Admin.Token)
}
