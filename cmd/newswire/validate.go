package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/importer"
)

// maxValidateBytes bounds what validate reads: feeds are far smaller.
const maxValidateBytes = 64 << 20

func (m *Main) runValidate(ctx context.Context, args []string) error {
	fs := m.newFlagSet("validate", "FILE|URL")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: validate takes one file or URL", errUsage)
	}
	target := fs.Arg(0)
	data, err := readTarget(ctx, target)
	if err != nil {
		return err
	}
	problems := feeds.Validate(data)
	if len(problems) == 0 {
		fmt.Fprintf(m.Stdout, "%s: ok\n", target)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(m.Stdout, "%s: %s\n", target, p)
	}
	fmt.Fprintf(m.Stdout, "%s: %d problem(s)\n", target, len(problems))
	return errSilent
}

func readTarget(ctx context.Context, target string) ([]byte, error) {
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		f, err := os.Open(target)
		if err != nil {
			return nil, fileError(target, err)
		}
		defer f.Close()
		return readCapped(f, target)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	req.Header.Set("User-Agent", "newswire/"+Version()+" validate")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", target, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", target, resp.Status)
	}
	return readCapped(resp.Body, target)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxValidateBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxValidateBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxValidateBytes>>20)
	}
	return data, nil
}

// fileError is a file or folder the user named that could not be read, as
// one sentence naming it: "/x.opml: no such file or folder".
func fileError(path string, err error) error {
	return &importer.FileError{Path: path, Err: importer.PathCause(err)}
}
