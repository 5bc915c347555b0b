package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"customergraph/sandbox"
)

// startRun starts the program as `go run . args…` would and returns the
// URL it listens on.
func startRun(t *testing.T, args []string, env map[string]string) (string, <-chan error) {
	t.Helper()
	base, done, _ := startRunLogs(t, args, env)
	return base, done
}

// startRunLogs is startRun that also keeps every line run writes.
func startRunLogs(t *testing.T, args []string, env map[string]string) (string, <-chan error, *syncBuffer) {
	t.Helper()
	return startRunGC(t, args, withGCSettings(env))
}

// withGCSettings adds GOGC and GOMEMLIMIT to env unless it has them, so
// that run leaves the test binary's collector as it is: only
// TestMemoryLimitFromConfig lets run set them.
func withGCSettings(env map[string]string) map[string]string {
	out := map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"}
	maps.Copy(out, env)
	return out
}

// startRunGC is startRunLogs with env as given: run may set the process's
// GC settings.
func startRunGC(t *testing.T, args []string, env map[string]string) (string, <-chan error, *syncBuffer) {
	t.Helper()
	logs := newSyncBuffer()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"customergraph"}, args...), func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			_, _ = logs.Write(append(sc.Bytes(), '\n'))
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && (line["message"] == "customer graph listening" || line["message"] == "sandbox listening") && !sent {
				urlc <- line["url"].(string)
				sent = true
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not shut down")
		}
	})
	select {
	case u := <-urlc:
		return u, done, logs
	case err := <-done:
		t.Fatalf("run exited: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not start")
	}
	return "", nil, nil
}

// TestLogLevel: LOG_LEVEL decides what a request writes. At info (the
// default) one access line and no line per upstream read; at debug one
// line per upstream call as well; an unknown level stops the start.
func TestLogLevel(t *testing.T) {
	for _, c := range []struct {
		level               string
		access, upstreamLog int
	}{
		{"", 1, 0},
		{"info", 1, 0},
		{"debug", 1, 2},
	} {
		t.Run("LOG_LEVEL="+c.level, func(t *testing.T) {
			base, _, logs := startRunLogs(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{"LOG_LEVEL": c.level})
			resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ customer(id: \"27831000001\") { location { country } accountholder { status } } }"}`))
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			// The access line is written once the answer is; wait for it.
			waitFor(t, "the access line", func() bool { return strings.Contains(logs.String(), `"graphql request"`) })
			if n := strings.Count(logs.String(), `"graphql request"`); n != c.access {
				t.Errorf("%d access lines, want %d", n, c.access)
			}
			if n := strings.Count(logs.String(), `"upstream call"`); n != c.upstreamLog {
				t.Errorf("%d upstream call lines, want %d:\n%s", n, c.upstreamLog, logs.String())
			}
		})
	}
	err := run(t.Context(), []string{"customergraph"}, func(k string) string { return map[string]string{"LOG_LEVEL": "verbose"}[k] }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("LOG_LEVEL=verbose: %v, want an error naming LOG_LEVEL", err)
	}
}

func TestRunServesTheSandboxByDefault(t *testing.T) {
	base, _ := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ customer(id: \"+27 83 100 0001\") { location { country } accountholder { status } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Customer struct {
				Location      struct{ Country string }
				Accountholder struct{ Status string }
			}
		}
		Errors []json.RawMessage
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if c := out.Data.Customer; len(out.Errors) > 0 || c.Location.Country != "ZA" || c.Accountholder.Status != "ACTIVE" {
		t.Errorf("%s %+v", out.Errors, out.Data)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID echoed")
	}
}

func TestRunSandboxAlone(t *testing.T) {
	base, _ := startRun(t, []string{"sandbox", "-addr", "127.0.0.1:0"}, nil)
	req, _ := http.NewRequest("GET", base+"/plans/v2/customers/27831000001/plans", nil)
	req.Header.Set("X-API-Key", sandbox.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestRunRejectsHalfAConfiguration(t *testing.T) {
	err := run(context.Background(), []string{"customergraph", "-addr", "127.0.0.1:0"},
		func(k string) string {
			return map[string]string{"MTN_PLANS_URL": "http://127.0.0.1:1/plans/v2", "MTN_API_KEY": "k-secret"}[k]
		}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "MTN_PROFILES_URL") || strings.Contains(err.Error(), "k-secret") {
		t.Errorf("err %v", err)
	}
}

func TestOpsAddrMovesOperatorEndpoints(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opsAddr := ln.Addr().String()
	ln.Close()
	base, _ := startRun(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{"GRAPH_OPS_ADDR": opsAddr})
	var ops int
	for range 50 { // the ops listener starts alongside the main one
		if ops, _ = httpGet("http://" + opsAddr + "/metrics"); ops == 200 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	public, _ := httpGet(base + "/metrics")
	if ops != 200 || public != 404 {
		t.Errorf("/metrics: %d on the ops address, %d on the public one", ops, public)
	}
}

// TestMemoryLimitFromConfig: the Go runtime's soft memory limit follows
// GRAPH_MEMORY_LIMIT_MIB, and an explicit GOMEMLIMIT wins.
func TestMemoryLimitFromConfig(t *testing.T) {
	before, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(before); debug.SetGCPercent(gc) })
	for _, c := range []struct {
		name   string
		env    map[string]string
		want   int64
		wantGC int
	}{
		{"default", map[string]string{}, 192 << 20, 400},
		{"configured", map[string]string{"GRAPH_MEMORY_LIMIT_MIB": "300", "GRAPH_GOGC": "250"}, 300 << 20, 250},
		{"GOMEMLIMIT and GOGC win", map[string]string{"GRAPH_MEMORY_LIMIT_MIB": "300", "GOMEMLIMIT": "1GiB", "GRAPH_GOGC": "250", "GOGC": "150"}, math.MaxInt64, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			debug.SetGCPercent(100) // what the runtime reads from GOGC happens at start, not in run
			base, _, _ := startRunGC(t, []string{"-addr", "127.0.0.1:0"}, c.env)
			if got := debug.SetMemoryLimit(-1); got != c.want {
				t.Errorf("memory limit %d, want %d", got, c.want)
			}
			if got := debug.SetGCPercent(100); got != c.wantGC {
				t.Errorf("GC percent %d, want %d", got, c.wantGC)
			}
			if status, err := httpGet(base + "/healthz"); err != nil || status != 200 {
				t.Errorf("healthz: %d %v", status, err)
			}
		})
	}
}

// The exporter is set up from the standard variables alone: spans reach an
// OTLP/HTTP collector named by OTEL_EXPORTER_OTLP_ENDPOINT.
func TestOTLPExportFromTheEnvironment(t *testing.T) {
	var mu sync.Mutex
	var received []*coltracepb.ExportTraceServiceRequest
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &coltracepb.ExportTraceServiceRequest{}
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, req) != nil {
			http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
			return
		}
		mu.Lock()
		received = append(received, req)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(nil)
	}))
	t.Cleanup(collector.Close)
	env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL, "OTEL_BSP_SCHEDULE_DELAY": "50", "OTEL_SERVICE_NAME": "graph-test"}
	for k, v := range env {
		t.Setenv(k, v) // the SDK and exporter read the process environment
	}
	base, _, logs := startRunLogs(t, []string{"-addr", "127.0.0.1:0"}, env)
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"query Where { customer(id: \"27831000001\") { location { country } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	var spanNames []string
	service := ""
	waitFor(t, "the request's spans at the collector", func() bool {
		mu.Lock()
		defer mu.Unlock()
		spanNames = spanNames[:0]
		for _, req := range received {
			for _, rs := range req.ResourceSpans {
				for _, a := range rs.Resource.Attributes {
					if a.Key == "service.name" {
						service = a.Value.GetStringValue()
					}
				}
				for _, ss := range rs.ScopeSpans {
					for _, s := range ss.Spans {
						spanNames = append(spanNames, s.Name)
					}
				}
			}
		}
		return slices.Contains(spanNames, "query Where") && slices.Contains(spanNames, "GET /customers/{customerId}")
	})
	if service != "graph-test" {
		t.Errorf("service.name %q, want OTEL_SERVICE_NAME's graph-test", service)
	}
	if !strings.Contains(logs.String(), `"traceId":"`) {
		t.Errorf("no log line carries a traceId:\n%s", logs.String())
	}
}

// syncBuffer is a log sink the test reads while run writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func httpGet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// waitFor polls cond until it holds, for what run does in the background.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
