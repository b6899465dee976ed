package feeds

import (
	"strings"
	"testing"
)

func TestMediaType(t *testing.T) {
	good := map[string]string{
		"image/jpeg":                        "image/jpeg",
		" Image/JPEG ":                      "image/jpeg",
		"image/svg+xml; charset=utf-8":      "image/svg+xml",
		"image/vnd.microsoft.icon":          "image/vnd.microsoft.icon",
		"application/atom+xml;type=entry":   "application/atom+xml",
		"image/x-ms-bmp":                    "image/x-ms-bmp",
		"video/mp4; codecs=\"avc1.42E01E\"": "video/mp4",
	}
	for in, want := range good {
		if got, err := MediaType(in); err != nil || got != want {
			t.Errorf("MediaType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "jpeg", "image/", "/jpeg", "image/*", "*/*", "image/jpeg\"><script>",
		"image/jp eg", "image / jpeg", "image/jpeg/x", "image/-jpeg", "image/jpeg; q=\"x", "image/jpeg; a=b; a=c",
		"image/jpeg\x00", "صورة/jpeg", "image/" + strings.Repeat("a", 128)} {
		if got, err := MediaType(in); err == nil {
			t.Errorf("MediaType(%q) = %q, want an error", in, got)
		}
	}
}
