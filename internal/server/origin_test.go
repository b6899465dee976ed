package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/newswire/newswire/internal/newsroom"
)

// A source created through the admin API says so ("api"); a change through
// the API keeps the origin of the door that created the source.
func TestAPISourcesHaveTheirOwnOrigin(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	ctx := context.Background()
	for name, origin := range map[string]string{"fromcli": newsroom.OriginCLI, "fromconfig": newsroom.OriginConfig} {
		if _, err := f.st.UpsertSource(ctx, newsroom.Source{Name: name, URL: "https://" + name + ".example/rss", Enabled: true, Origin: origin}); err != nil {
			t.Fatal(err)
		}
	}
	origins := func() map[string]string {
		resp, body := f.api(t, http.MethodGet, "/api/sources", "", auth...)
		var list []SourceJSON
		if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil {
			t.Fatalf("GET /api/sources: %d %s", resp.StatusCode, body)
		}
		out := map[string]string{}
		for _, s := range list {
			out[s.Name] = s.Origin
		}
		return out
	}
	post := `[{"name": "wire", "url": "https://wire.example/rss"},
		{"name": "fromcli", "url": "https://fromcli.example/rss", "categories": ["world"]},
		{"name": "fromconfig", "url": "https://fromconfig.example/rss", "categories": ["world"]}]`
	for range 2 { // created, then updated
		if resp, body := f.api(t, http.MethodPost, "/api/sources", post, auth...); resp.StatusCode >= 300 {
			t.Fatalf("POST: %d %s", resp.StatusCode, body)
		}
		got := origins()
		for name, want := range map[string]string{"wire": "api", "fromcli": "cli", "fromconfig": "config"} {
			if got[name] != want {
				t.Errorf("source %s has origin %q, want %q", name, got[name], want)
			}
		}
	}
}
