package edge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"customergraph/sandbox"
)

// testGraph is the real facade handler over a real sandbox, both on
// loopback HTTP.
type testGraph struct {
	t    *testing.T
	sb   *sandbox.Server
	url  string
	logs *syncBuffer
	app  *App
}

type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{mu: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.buf.String()
}

func newTestGraph(t *testing.T, sbOpts sandbox.Options, tweak func(*Config)) *testGraph {
	t.Helper()
	sb := sandbox.New(sbOpts)
	up := httptest.NewServer(sb)
	t.Cleanup(up.Close)
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.UseSandbox(up.URL)
	cfg.Upstream.RetryBackoff = 5 * time.Millisecond
	cfg.Upstream.MaxRetryAfter = 1500 * time.Millisecond
	if tweak != nil {
		tweak(&cfg)
	}
	logs := newSyncBuffer()
	a, err := New(t.Context(), cfg, zerolog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	if cfg.PublicURL == "" {
		a.callbacks.SetBaseURL(srv.URL)
	}
	return &testGraph{t: t, sb: sb, url: srv.URL, logs: logs, app: a}
}

type gqlError struct {
	Message    string         `json:"message"`
	Locations  []any          `json:"locations,omitempty"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
	status int
	header http.Header
}

// pathString renders an error path as "customer.subscriptions.1.subscriptions".
func (e gqlError) pathString() string {
	parts := make([]string, len(e.Path))
	for i, p := range e.Path {
		switch v := p.(type) {
		case float64:
			parts[i] = strconv.Itoa(int(v))
		default:
			parts[i] = v.(string)
		}
	}
	return strings.Join(parts, ".")
}

func (e gqlError) code() string { c, _ := e.Extensions["code"].(string); return c }

// errorAt returns the error whose path is p, if any.
func (r *gqlResponse) errorAt(p string) *gqlError {
	for i := range r.Errors {
		if r.Errors[i].pathString() == p {
			return &r.Errors[i]
		}
	}
	return nil
}

// query posts a GraphQL request; headers are optional name/value pairs.
func (g *testGraph) query(q string, vars map[string]any, headers ...string) *gqlResponse {
	g.t.Helper()
	resp, raw := g.send(q, vars, headers...)
	out := &gqlResponse{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, out); err != nil {
		g.t.Fatalf("response is not JSON (%d): %s", resp.StatusCode, raw)
	}
	return out
}

// send posts q and returns the answer and its whole body.
func (g *testGraph) send(q string, vars map[string]any, headers ...string) (*http.Response, []byte) {
	g.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest("POST", g.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "queries", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// at walks decoded JSON by keys and indexes ("customer.plans.balances.0").
func at(v any, path string) any {
	if path == "" {
		return v
	}
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// upstreamCalls returns the sandbox's counters, without token fetches.
func (g *testGraph) calls() map[string]int {
	c := g.sb.Calls()
	delete(c, "oauth.token")
	return c
}

func httpGet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// sseEvents sends q with Accept: text/event-stream and returns the data of
// each "next" event until the stream completes; headers are optional
// name/value pairs.
func sseEvents(t *testing.T, base, q string, headers ...string) []string {
	t.Helper()
	var out []string
	sseStream(t, base, q, nil, func(data string) { out = append(out, data) }, headers...)
	return out
}

// sseStream sends q with its variables as an SSE request and calls each
// with the data of every event until the stream completes.
func sseStream(t *testing.T, base, q string, vars map[string]any, each func(data string), headers ...string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if data, ok := strings.CutPrefix(line, "data: "); ok && data != "" {
			each(data)
		}
		if line == "event: complete" {
			break
		}
	}
}

// raw posts q and returns the status and the whole body, for tests that
// pin it; headers are optional name/value pairs.
func (g *testGraph) raw(q string, headers ...string) (int, string) {
	g.t.Helper()
	resp, b := g.send(q, nil, headers...)
	return resp.StatusCode, strings.TrimSpace(string(b))
}
