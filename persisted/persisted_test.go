package persisted

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoad reads both manifest formats client tooling writes, and refuses a
// manifest whose id is not its document's hash.
func TestLoad(t *testing.T) {
	doc := "{ __typename }"
	id := Hash(doc)
	for _, c := range []struct {
		name, body, err string
	}{
		{"Apollo's manifest", `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": "` + id + `", "name": "", "type": "query", "body": "{ __typename }"}]}`, ""},
		{"a hash to document map", `{"` + id + `": "{ __typename }"}`, ""},
		{"an id that lies", `{"` + strings.Repeat("0", 64) + `": "{ __typename }"}`, "is not the SHA-256 of its document"},
		{"not a manifest", `[1, 2]`, "neither an Apollo persisted query manifest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.json")
			if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			m, err := Load(path)
			switch {
			case c.err == "" && (err != nil || m[id] != doc):
				t.Errorf("Load: %v %v", m, err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("Load: %v, want an error with %q", err, c.err)
			}
		})
	}
}
