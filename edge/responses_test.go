package edge

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"customergraph/sandbox"
)

// TestCompression: an answer comes back in the encoding the client
// prefers, and decodes to the very bytes of the plain answer; streams stay
// uncompressed.
func TestCompression(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	full := fixture(t, "customer_full.graphql")
	body, _ := json.Marshal(map[string]any{"query": full, "variables": map[string]any{"id": sandbox.HappyCustomer}})
	post := func(encoding string) (*http.Response, []byte) {
		req, _ := http.NewRequest("POST", g.url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Encoding", encoding) // set by hand: the client then hands the bytes over as sent
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	_, plain := post("identity")
	if len(plain) < 4000 {
		t.Fatalf("the plain answer is %d bytes: %s", len(plain), plain)
	}
	decoders := map[string]func(io.Reader) (io.Reader, error){
		"gzip": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"br":   func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		"zstd": func(r io.Reader) (io.Reader, error) { return zstd.NewReader(r) },
	}
	for _, tc := range []struct{ accept, want string }{
		{"gzip", "gzip"}, {"br", "br"}, {"zstd", "zstd"}, {"gzip;q=0.5, br;q=1", "br"},
	} {
		resp, b := post(tc.accept)
		if got := resp.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.want)
			continue
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Vary %q", resp.Header.Get("Vary"))
		}
		r, err := decoders[tc.want](bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) || len(b) >= len(plain)/2 {
			t.Errorf("%s: %d bytes for %d plain, decoded equal: %v (%v)", tc.want, len(b), len(plain), bytes.Equal(got, plain), err)
		}
	}
	// An event stream is written as it comes.
	vars := subscribeAsync(t, g, "51")
	b, _ := json.Marshal(map[string]any{"query": provisioning, "variables": vars})
	req, _ := http.NewRequest("POST", g.url+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("SSE compressed: %q", ce)
	}
}

// TestCacheControl: answers of personal data are stored by no cache
// unless the operator says so.
func TestCacheControl(t *testing.T) {
	t.Parallel()
	q := `{ customer(id: "27831000001") { msisdn } }`
	for _, tc := range []struct {
		name, configured, want string
	}{
		{"by default", "", "private, no-store"},
		{"as configured", "private, max-age=60", "private, max-age=60"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
				if tc.configured != "" {
					c.CacheControl = tc.configured
				}
			})
			resp, _ := g.send(q, nil)
			get, err := http.Get(g.url + "/graphql?query=" + strings.ReplaceAll(q, " ", "+"))
			if err != nil {
				t.Fatal(err)
			}
			get.Body.Close()
			for method, h := range map[string]string{"POST": resp.Header.Get("Cache-Control"), "GET": get.Header.Get("Cache-Control")} {
				if h != tc.want {
					t.Errorf("%s: Cache-Control %q, want %q", method, h, tc.want)
				}
			}
		})
	}
}

// TestClientAwareness: the app's name and version reach the access log and
// a metric whose labels stay bounded.
func TestClientAwareness(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	g.send(`{ customer(id: "27831000001") { msisdn } }`, nil, "apollographql-client-name", "care-web", "apollographql-client-version", "4.2.1")
	g.send(`{ customer(id: "27831000001") { msisdn } }`, nil, "apollographql-client-name", "caré web\t")
	if !strings.Contains(g.logs.String(), `"client":"anonymous","clientName":"care-web","clientVersion":"4.2.1"`) {
		t.Errorf("access log:\n%s", g.logs.String())
	}
	if strings.Contains(g.logs.String(), "caré") {
		t.Errorf("a name outside printable ASCII reached the log:\n%s", g.logs.String())
	}
	resp, err := http.Get(g.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, want := range []string{`graph_client_requests_total{client_name="care-web",client_version="4.2.1"} 1`,
		`graph_client_requests_total{client_name="car__web",client_version=""} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestConfigFromTheEnvironment: every variable the config struct's tags
// name is read (GRAPH_CACHE_CONTROL was once missing from a hand-kept
// list), and a bad value is reported by the variable's name.
func TestConfigFromTheEnvironment(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"GRAPH_CACHE_CONTROL": "private, max-age=60", "MTN_MAX_WRITE_CONCURRENCY": "7"}[k]
	})
	if err != nil || cfg.CacheControl != "private, max-age=60" || cfg.Upstream.MaxWriteConcurrency != 7 {
		t.Errorf("%q %d %v", cfg.CacheControl, cfg.Upstream.MaxWriteConcurrency, err)
	}
	_, err = LoadConfig(func(k string) string { return map[string]string{"GRAPH_MAX_DEPTH": "deep"}[k] })
	if err == nil || err.Error() != `config: GRAPH_MAX_DEPTH="deep" is not a valid int` {
		t.Errorf("error %v", err)
	}
}
