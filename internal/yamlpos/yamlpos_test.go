package yamlpos_test

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/newswire/newswire/internal/yamlpos"
)

// The lines are those an editor shows for each mistake, from the parser's
// own errors on real inputs.
func TestLineIsWhereTheMistakeIs(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
	}{
		{"tab indentation (scanner, 1-based)", "title: a\n\tbody: b\n", 2},
		{"unclosed flow sequence (parser, 0-based): where it opens", "title: a\ntags: [a, b\nbody: c\n", 2},
		{"unclosed quote at the end", "title: a\nbody: \"b\n", 2},
		{"mapping in a plain scalar", "title: a: b\n", 1},
		{"no newline at the end", "a: 1\nb: [", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v yaml.Node
			err := yaml.Unmarshal([]byte(tc.src), &v)
			if err == nil {
				t.Fatalf("%q parsed", tc.src)
			}
			line, msg := yamlpos.Line(err, []byte(tc.src))
			if line != tc.line || msg == "" {
				t.Errorf("Line(%v) = %d, %q; want line %d", err, line, msg, tc.line)
			}
		})
	}
}

func TestLineStaysWithinTheSource(t *testing.T) {
	src := []byte("a: 1\nb: 2\n")
	if line, _ := yamlpos.Line(errors.New("yaml: line 40: could not find expected ':'"), src); line != 2 {
		t.Errorf("line 40 of a 2-line source: got %d, want 2", line)
	}
	if line, msg := yamlpos.Line(errors.New("yaml: did not find expected key"), src); line != 1 || msg != "did not find expected key" {
		t.Errorf("no line: got %d, %q", line, msg)
	}
	if line, msg := yamlpos.Line(errors.New("unexpected EOF"), nil); line != 1 || msg != "unexpected EOF" {
		t.Errorf("another error: got %d, %q", line, msg)
	}
}
