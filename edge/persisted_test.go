package edge

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"customergraph/persisted"
	"customergraph/sandbox"
)

// postJSON sends body as a GraphQL POST and returns the status and body.
func postJSON(t *testing.T, g *testGraph, body map[string]any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(g.url+"/graphql", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(raw))
}

func pq(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

const basicQuery = `{ customer(id: "27831000001") { msisdn } }`

const basicAnswer = `{"data":{"customer":{"msisdn":"27831000001"}}}`

// TestAutomaticPersistedQueries: Apollo's APQ protocol through the real
// handler, by POST and by GET (the form a CDN can cache).
func TestAutomaticPersistedQueries(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	hash := persisted.Hash(basicQuery)
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"an unknown hash asks for the document", map[string]any{"extensions": pq(hash)},
			`{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`},
		{"the document with its hash is run and kept", map[string]any{"query": basicQuery, "extensions": pq(hash)}, basicAnswer},
		{"then the hash alone runs it", map[string]any{"extensions": pq(hash)}, basicAnswer},
		{"a hash that is not the document's", map[string]any{"query": `{ __typename }`, "extensions": pq(hash)},
			`{"errors":[{"message":"extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"another version", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": hash}}},
			`{"errors":[{"message":"extensions.persistedQuery.version must be 1","extensions":{"code":"BAD_REQUEST"}}]}`},
	} {
		if status, body := postJSON(t, g, c.body); status != 200 || body != c.want {
			t.Errorf("%s: %d %s\nwant 200 %s", c.name, status, body, c.want)
		}
	}
	ext, _ := json.Marshal(pq(hash))
	status, err := httpGet(g.url + "/graphql?extensions=" + url.QueryEscape(string(ext)))
	if err != nil || status != 200 {
		t.Errorf("GET with the hash: %d %v", status, err)
	}
}

// TestPersistedOnly: with a manifest and GRAPH_PERSISTED_ONLY, the listed
// documents run, by hash or as text, and anything else is refused before it
// is parsed or sent upstream.
func TestPersistedOnly(t *testing.T) {
	t.Parallel()
	manifest := filepath.Join(t.TempDir(), "operations.json")
	list, _ := json.Marshal(map[string]any{"format": "apollo-persisted-query-manifest", "version": 1,
		"operations": []map[string]string{{"id": persisted.Hash(basicQuery), "name": "", "type": "query", "body": basicQuery}}})
	if err := os.WriteFile(manifest, list, 0o600); err != nil {
		t.Fatal(err)
	}
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.PersistedOperations, c.PersistedOnly = manifest, true })
	refused := `{"errors":[{"message":"this server runs only its persisted operations (GRAPH_PERSISTED_ONLY): send a registered operation's sha256Hash in extensions.persistedQuery","extensions":{"code":"PERSISTED_QUERY_NOT_ALLOWED"}}]}`
	other := `{ customer(id: "27831000002") { msisdn } }`
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"a listed operation by hash", map[string]any{"extensions": pq(persisted.Hash(basicQuery))}, basicAnswer},
		{"a listed operation as text", map[string]any{"query": basicQuery}, basicAnswer},
		{"any other document", map[string]any{"query": other}, refused},
		{"registering another document", map[string]any{"query": other, "extensions": pq(persisted.Hash(other))}, refused},
		{"an unlisted hash", map[string]any{"extensions": pq(persisted.Hash(other))}, refused},
	} {
		if status, body := postJSON(t, g, c.body); status != 200 || body != c.want {
			t.Errorf("%s: %d %s\nwant 200 %s", c.name, status, body, c.want)
		}
	}
	if calls := g.calls(); calls["total"] != 2 {
		t.Errorf("upstream calls %v: only the two listed runs may call upstream", calls)
	}
}

func TestPersistedOnlyNeedsAManifest(t *testing.T) {
	_, err := LoadConfig(func(k string) string { return map[string]string{"GRAPH_PERSISTED_ONLY": "true"}[k] })
	if err == nil || !strings.Contains(err.Error(), "GRAPH_PERSISTED_OPERATIONS") {
		t.Errorf("loadConfig: %v, want an error naming GRAPH_PERSISTED_OPERATIONS", err)
	}
}

// TestRegistrationIsBounded: a client registers at most its quota of
// documents a minute, each within the size bound; past either the
// operation still answers and its document is not kept.
func TestRegistrationIsBounded(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.APQRegistrationsPerMinute, c.APQMaxDocumentBytes = 2, 200 })
	notFound := `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`
	docs := []string{`query A { customer(id: "27831000001") { msisdn } }`, `query B { customer(id: "27831000001") { msisdn } }`,
		`query C { customer(id: "27831000001") { msisdn } }`}
	for _, doc := range docs {
		if status, body := postJSON(t, g, map[string]any{"query": doc, "extensions": pq(persisted.Hash(doc))}); status != 200 || body != basicAnswer {
			t.Fatalf("registering %s: %d %s", doc, status, body)
		}
	}
	big := `query D { customer(id: "27831000001") { msisdn } }` + "#" + strings.Repeat("x", 200)
	if status, body := postJSON(t, g, map[string]any{"query": big, "extensions": pq(persisted.Hash(big))}); status != 200 || body != basicAnswer {
		t.Fatalf("registering a long document: %d %s", status, body)
	}
	for i, want := range []string{basicAnswer, basicAnswer, notFound, notFound} {
		doc := append(docs, big)[i]
		if status, body := postJSON(t, g, map[string]any{"extensions": pq(persisted.Hash(doc))}); status != 200 || body != want {
			t.Errorf("document %d by hash: %d %s, want %s", i+1, status, body, want)
		}
	}
}
