// Package yamlpos places a YAML syntax error on a line of its source. The
// config file and the front matter of imported Markdown are both YAML, and
// both report a syntax error at a line the author can go to.
package yamlpos

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// syntaxError matches the YAML library's "yaml: line N: message".
var syntaxError = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// Line returns the 1-based line of src and the message of err, a syntax
// error from yaml.Unmarshal of src. The parser reports scanner errors with
// 1-based lines but parser errors ("did not find expected …") with the
// 0-based line where the enclosing construct began, and no line at all
// when that is 0; both are corrected here, and the line is kept within
// src. An error of another form is placed on line 1, whole.
func Line(err error, src []byte) (int, string) {
	m := syntaxError.FindStringSubmatch(err.Error())
	if m == nil {
		return 1, err.Error()
	}
	n, _ := strconv.Atoi(m[1])
	if strings.HasPrefix(m[2], "did not find expected") {
		n++
	}
	last := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		last++
	}
	return min(max(n, 1), max(last, 1)), m[2]
}
