package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownKey is the cause of a FieldError for a key the config does not
// have, usually a typo.
var ErrUnknownKey = errors.New("unknown key")

// SyntaxError is a config file that is not well-formed YAML.
type SyntaxError struct {
	Line int // 1-based
	Msg  string
}

// Error returns the YAML parser's message and the line.
func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// FieldError is one problem with one config value.
type FieldError struct {
	Key   string // path of the key, e.g. "sources[2].url"
	Value string // the offending value as text
	Line  int    // line in the config file; 0 when the value did not come from it
	Err   error
}

// Error formats e as `config categories[1].slug="Bad Slug" (line 7): …`.
func (e *FieldError) Error() string {
	s := "config " + e.Key
	if e.Value != "" || !errors.Is(e.Err, ErrUnknownKey) {
		s += fmt.Sprintf("=%q", e.Value)
	}
	if e.Line > 0 {
		s += fmt.Sprintf(" (line %d)", e.Line)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldErr builds a FieldError for key, naming the file line only when the
// value is still the one the file gave (an environment variable or a flag
// may have replaced it since), or the variable that set it.
func (c *Config) fieldErr(key, value string, err error) *FieldError {
	fe := &FieldError{Key: key, Value: value, Err: err}
	if ev, ok := c.env[key]; ok && ev.value == value {
		fe.Err = fmt.Errorf("%w (from %s)", err, ev.name)
		return fe
	}
	if fv, ok := c.values[key]; ok {
		if fv == value {
			fe.Line = c.lines[key]
		}
		return fe
	}
	fe.Line = c.ancestorLine(key)
	return fe
}

// ancestorLine is the line of key in the file, or of its nearest enclosing
// key: a source missing its url is reported at the source's line.
func (c *Config) ancestorLine(key string) int {
	for key != "" {
		if l, ok := c.lines[key]; ok {
			return l
		}
		i := max(strings.LastIndexByte(key, '.'), strings.LastIndexByte(key, '['))
		if i < 0 {
			return 0
		}
		key = key[:i]
	}
	return 0
}
