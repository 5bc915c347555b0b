package edge

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"customergraph/sandbox"
)

// cannedTransport answers each distinct upstream request from the sandbox
// once, then from memory: the benchmarks measure the facade, not the sandbox
// or the network.
type cannedTransport struct {
	sb *sandbox.Server
	mu sync.Mutex
	m  map[string]*httptest.ResponseRecorder
}

func (c *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	key := r.Method + " " + r.URL.String()
	c.mu.Lock()
	rec, ok := c.m[key]
	c.mu.Unlock()
	if !ok || r.Method != http.MethodGet {
		rec = httptest.NewRecorder()
		c.sb.ServeHTTP(rec, r)
		c.mu.Lock()
		c.m[key] = rec
		c.mu.Unlock()
	}
	resp := rec.Result()
	resp.Body = io.NopCloser(bytes.NewReader(rec.Body.Bytes()))
	resp.Request = r
	return resp, nil
}

func benchGraph(b *testing.B, tweak ...func(*Config)) http.Handler {
	b.Helper()
	// As the binary does (server.go), unless GOGC is set.
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(400)
		b.Cleanup(func() { debug.SetGCPercent(old) })
	}
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	cfg.UseSandbox("http://sandbox.invalid")
	// A fixed admission limit above the benchmark's parallelism: these
	// measure CPU per query, and a refusal would count as a (cheap) query.
	cfg.MaxInFlight, cfg.MaxInFlightCost, cfg.AdmissionDelay = 1024, 1<<30, 0
	cfg.upstreamHTTP = &http.Client{Transport: &cannedTransport{sb: sandbox.New(sandbox.Options{}), m: map[string]*httptest.ResponseRecorder{}}}
	for _, f := range tweak {
		f(&cfg)
	}
	a, err := New(b.Context(), cfg, zerolog.New(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	return a.Handler()
}

// countFields counts the values a response resolved: every object member
// and list element.
func countFields(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for _, e := range x {
			n += 1 + countFields(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range x {
			n += countFields(e)
		}
		return n
	}
	return 0
}

func benchQuery(b *testing.B, query string, vars map[string]any) {
	benchQueryWith(b, query, vars, nil)
}

// benchQueryWith is benchQuery with optional request headers and config.
func benchQueryWith(b *testing.B, query string, vars map[string]any, header http.Header, tweak ...func(*Config)) {
	h := benchGraph(b, tweak...)
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	do := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	first := do()
	var resp struct {
		Data   any `json:"data"`
		Errors any `json:"errors"`
	}
	if err := json.Unmarshal(first.Body.Bytes(), &resp); err != nil || resp.Errors != nil {
		b.Fatalf("%s", first.Body.Bytes())
	}
	fields := countFields(resp.Data)
	b.ReportAllocs()
	// Run many queries at once so the dataloaders' 1 ms batching windows
	// overlap: ns/op is then the CPU the facade spends per query, not its
	// idle wait.
	b.SetParallelism(16)
	b.ResetTimer()
	var failed atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if do().Code != http.StatusOK {
				failed.Add(1)
			}
		}
	})
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d queries were not answered 200", n, b.N)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(fields), "ns/field")
	b.ReportMetric(float64(fields), "fields")
}

// The facade's cost per query with upstream answers served from memory:
// HTTP, limits, parsing (cached), execution, dataloaders, the upstream
// client and its JSON decoding, and the response.
func BenchmarkFullView(b *testing.B) {
	benchQuery(b, readFixture(b, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer})
}

// The full view with its call trace asked for (X-Graph-Trace).
func BenchmarkFullViewCallTrace(b *testing.B) {
	benchQueryWith(b, readFixture(b, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer}, http.Header{TraceHeader: {"1"}})
}

// The full view with OpenTelemetry on, every request sampled, spans
// batched to an exporter that drops them: the SDK's and otelhttp's cost.
func BenchmarkFullViewOpenTelemetry(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	benchQueryWith(b, readFixture(b, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer}, nil,
		func(c *Config) { c.TracerProvider = tp })
}

func BenchmarkBasicView(b *testing.B) {
	benchQuery(b, readFixture(b, "customer_basic.graphql"), map[string]any{"id": sandbox.HappyCustomer})
}

func BenchmarkCustomersList(b *testing.B) {
	ids := make([]any, 100)
	for i := range ids {
		ids[i] = sandbox.Ordinary(i)
	}
	benchQuery(b, readFixture(b, "customers_list.graphql"), map[string]any{"ids": ids})
}

func readFixture(b *testing.B, name string) string {
	b.Helper()
	raw, err := readFile("testdata/queries/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}
