package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"testing"
	"time"

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
	var out gqlResponse
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if len(out.Errors) > 0 || at(out.Data, "customer.location.country") != "ZA" || at(out.Data, "customer.accountholder.status") != "ACTIVE" {
		t.Errorf("%+v %v", out.Errors, out.Data)
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

func TestHTTPTransport(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	t.Run("GET runs a query", func(t *testing.T) {
		resp, err := http.Get(g.url + "/graphql?query=" + url.QueryEscape(`{ customer(id: "27831000001") { msisdn } }`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out gqlResponse
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != 200 || at(out.Data, "customer.msisdn") != "27831000001" {
			t.Errorf("%d %+v", resp.StatusCode, out)
		}
	})
	t.Run("graphql-response+json is honoured", func(t *testing.T) {
		req, _ := http.NewRequest("POST", g.url+"/graphql", strings.NewReader(`{"query":"{ customer(id: \"27831000001\") { msisdn } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
			t.Errorf("content type %q", ct)
		}
	})
	t.Run("the client's transaction id reaches every upstream call", func(t *testing.T) {
		g.sb.Reset()
		r := g.query(`{ customer(id: "27831000001") { location { country } plans { tariffPlan } accountholder { status } } }`, nil, "X-Request-ID", "bff-trace-42")
		if len(r.Errors) > 0 || r.header.Get("X-Request-ID") != "bff-trace-42" {
			t.Fatalf("%+v %v", r.Errors, r.header)
		}
		for _, e := range g.sb.Log() {
			if e.Op != "oauth.token" && e.TransactionID != "bff-trace-42" {
				t.Errorf("%s carried %q", e.Op, e.TransactionID)
			}
		}
	})
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
			base, _ := startRun(t, []string{"-addr", "127.0.0.1:0"}, c.env)
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
