package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/newswire/newswire/internal/yamlpos"
)

// maxFileBytes bounds a config file; real ones are a few kilobytes.
const maxFileBytes = 1 << 20

// fileConfig is what the file decodes into: the Config itself plus the keys
// whose file form differs from the field's type.
type fileConfig struct {
	*Config     `yaml:",inline"`
	CacheMaxAge *maxAge `yaml:"cache_max_age"`
	CacheSWR    *maxAge `yaml:"cache_stale_while_revalidate"`
	CacheSIE    *maxAge `yaml:"cache_stale_if_error"`
}

// Parse reads a YAML config from r on top of Default. name (usually the
// file's path) prefixes syntax errors. An unknown key, a duplicate key or a
// value of the wrong type is a *FieldError naming the key and its line; all
// of them are reported, joined. Parse does not validate values: call
// Validate once the environment and flags are applied.
func Parse(r io.Reader, name string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: config larger than %d bytes", name, maxFileBytes)
	}
	cfg := Default()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlpos.Line(err, data)
		return nil, fmt.Errorf("%s: %w", name, &SyntaxError{Line: line, Msg: msg})
	}
	// One document only: what follows a "---" would be ignored silently.
	docs := yaml.NewDecoder(bytes.NewReader(data))
	var first, second yaml.Node
	if docs.Decode(&first) == nil {
		if err := docs.Decode(&second); err == nil {
			return nil, fmt.Errorf("%s: %w", name, &SyntaxError{Line: secondDocLine(data), Msg: "a second YAML document (---): a config file is one document"})
		}
	}
	if len(doc.Content) == 0 {
		return cfg, nil // empty, or only comments
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil
	}

	w := &walker{lines: map[string]int{}, values: map[string]string{}, keyAt: map[int]string{}}
	w.walk(root, reflect.TypeFor[fileConfig](), "")
	if len(w.errs) > 0 {
		return nil, fmt.Errorf("%s: %w", name, errors.Join(w.errs...))
	}

	// The walk checked keys and types with exact paths; the strict decoder
	// still runs, so nothing the walk skipped (aliases, merge keys) escapes
	// the known-fields check.
	fc := fileConfig{Config: cfg}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, w.convert(err))
	}
	if fc.CacheMaxAge != nil {
		cfg.CacheMaxAge = time.Duration(*fc.CacheMaxAge)
		w.values["cache_max_age"] = cfg.CacheMaxAge.String()
	}
	if fc.CacheSWR != nil {
		cfg.CacheStaleWhileRevalidate = time.Duration(*fc.CacheSWR)
		w.values["cache_stale_while_revalidate"] = cfg.CacheStaleWhileRevalidate.String()
	}
	if fc.CacheSIE != nil {
		cfg.CacheStaleIfError = time.Duration(*fc.CacheSIE)
		w.values["cache_stale_if_error"] = cfg.CacheStaleIfError.String()
	}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if strings.TrimSpace(s.Schedule) == "" {
			s.Schedule = DefaultSchedule
		}
		if s.Enabled == nil {
			enabled := true
			s.Enabled = &enabled
		}
	}
	cfg.lines, cfg.values = w.lines, w.values
	return cfg, nil
}

// maxAge is cache_max_age (and the stale-* keys) as written: whole seconds
// or a Go duration.
type maxAge time.Duration

// UnmarshalYAML accepts 300, "300" or "5m".
func (m *maxAge) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if secs, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
			if secs > int64(1<<62)/int64(time.Second) || secs < -int64(1<<62)/int64(time.Second) {
				return errors.New("too large")
			}
			*m = maxAge(time.Duration(secs) * time.Second)
			return nil
		}
		if d, err := time.ParseDuration(n.Value); err == nil {
			*m = maxAge(d)
			return nil
		}
	}
	return errors.New("must be a number of seconds or a duration such as 5m")
}

// walker checks a YAML node tree against the Go type it will decode into,
// recording each key's line and scalar value.
type walker struct {
	lines  map[string]int
	values map[string]string
	keyAt  map[int]string // line -> first key path on it
	errs   []error
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func (w *walker) fail(n *yaml.Node, path string, err error) {
	value := ""
	if n.Kind == yaml.ScalarNode {
		value = n.Value
	}
	w.errs = append(w.errs, &FieldError{Key: path, Value: value, Line: n.Line, Err: err})
}

func (w *walker) walk(n *yaml.Node, t reflect.Type, path string) {
	if path != "" {
		w.lines[path] = n.Line
		if n.Kind == yaml.ScalarNode {
			w.values[path] = n.Value
		}
	}
	if n.Kind == yaml.AliasNode || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return // aliases are checked by the decoder; null keeps the default
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		w.leaf(n, t, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		w.walk(n, t.Elem(), path)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			w.fail(n, pathOrRoot(path), errors.New("must be a mapping of keys to values"))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := joinKey(path, k.Value)
			if _, ok := w.keyAt[k.Line]; !ok {
				w.keyAt[k.Line] = kp
			}
			if k.Value == "<<" {
				continue // merge key: the decoder checks what it merges
			}
			ft, ok := fields[k.Value]
			switch {
			case !ok:
				err := ErrUnknownKey
				if s := suggest(k.Value, fields); s != "" {
					err = fmt.Errorf("%w (did you mean %q?)", ErrUnknownKey, s)
				}
				w.errs = append(w.errs, &FieldError{Key: kp, Value: scalar(v), Line: k.Line, Err: err})
			case seen[k.Value]:
				w.errs = append(w.errs, &FieldError{Key: kp, Value: scalar(v), Line: k.Line, Err: errors.New("duplicate key")})
			default:
				seen[k.Value] = true
				w.walk(v, ft, kp)
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n, path, errors.New("must be a list"))
			return
		}
		for i, item := range n.Content {
			w.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		w.leaf(n, t, path)
	}
}

// leaf decodes a scalar-valued key on its own, so a type error names
// exactly that key.
func (w *walker) leaf(n *yaml.Node, t reflect.Type, path string) {
	// The YAML library truncates 1.5 (or 1e3) into an int without a word.
	if k := t.Kind(); (k == reflect.Int || k == reflect.Int64) && n.Tag == "!!float" &&
		!reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		w.fail(n, path, fmt.Errorf("must be a whole number, not %s", n.Value))
		return
	}
	v := reflect.New(t)
	err := n.Decode(v.Interface())
	if err == nil {
		return
	}
	var te *yaml.TypeError
	switch {
	case errors.As(err, &te):
		switch t.Kind() {
		case reflect.String:
			err = errors.New("must be text, not a list or mapping")
		case reflect.Bool:
			err = errors.New("must be true or false")
		case reflect.Int, reflect.Int64:
			err = errors.New("must be a whole number")
		default:
			err = fmt.Errorf("must be a %s", t)
		}
	}
	w.fail(n, path, err)
}

// secondDocLine is the line of the "---" that starts a second document: the
// first such marker after some content.
func secondDocLine(data []byte) int {
	content := false
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimRight(l, " \t\r")
		switch {
		case t == "---" || strings.HasPrefix(t, "--- "):
			if content {
				return i + 1
			}
		case t != "" && !strings.HasPrefix(strings.TrimSpace(t), "#"):
			content = true
		}
	}
	return 1
}

// Patterns of the YAML library's error messages.
var (
	lineError    = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type`)
)

// convert turns the decoder's errors into FieldErrors where it can find
// the key on the line the decoder names.
func (w *walker) convert(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	errs := make([]error, 0, len(te.Errors))
	for _, msg := range te.Errors {
		m := lineError.FindStringSubmatch(msg)
		if m == nil {
			errs = append(errs, errors.New(msg))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		key := w.keyAt[line]
		if u := unknownField.FindStringSubmatch(m[2]); u != nil {
			// The key on that line belongs to the mapping the field is
			// missing from: name the field under that mapping.
			parent := key[:max(0, strings.LastIndexByte(key, '.'))]
			errs = append(errs, &FieldError{Key: joinKey(parent, u[1]), Line: line, Err: ErrUnknownKey})
			continue
		}
		errs = append(errs, &FieldError{Key: key, Line: line, Err: errors.New(m[2])})
	}
	return errors.Join(errs...)
}

// yamlFields maps the YAML keys of struct type t to their field types,
// following ,inline fields.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if opts == "inline" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range yamlFields(ft) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func pathOrRoot(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

func scalar(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// suggest returns the known key closest to an unknown one, when it is
// close enough to be a typo.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(key, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if bestD > 2 || bestD*3 > len(key) {
		return "" // too far to be a typo: "title" is not "site"
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes
// (keys are ASCII).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
