package edge

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"customergraph/sandbox"
)

// The admission limits here are fixed (GRAPH_ADMISSION_DELAY=0), so what is
// refused depends on what is in flight, never on the machine's load; the
// adaptive limit is tested in package admission.
func fixedAdmission(requests, cost, floor int) func(*Config) {
	return func(c *Config) {
		c.MaxInFlight, c.MaxInFlightCost, c.MinInFlight, c.AdmissionDelay = requests, cost, floor, 0
	}
}

// postQuery sends q and returns the status, Retry-After and the whole body.
func postQuery(t *testing.T, g *testGraph, q string) (int, string, string) {
	t.Helper()
	resp, b := g.send(q, nil)
	return resp.StatusCode, resp.Header.Get("Retry-After"), strings.TrimSpace(string(b))
}

// TestPastTheAdmissionLimit drives the real handler past its limits: the
// excess is refused at once with 503, Retry-After and OVERLOADED, nothing of
// it reaches upstream, and the admitted requests finish normally.
func TestPastTheAdmissionLimit(t *testing.T) {
	t.Parallel()
	const basic = `{ customer(id: "27831000001") { msisdn } }`
	t.Run("request count", func(t *testing.T) {
		t.Parallel()
		g := newTestGraph(t, sandbox.Options{}, fixedAdmission(2, 100000, 2))
		_, _, normal := postQuery(t, g, basic)
		if normal != `{"data":{"customer":{"msisdn":"27831000001"}}}` {
			t.Fatalf("before: %s", normal)
		}
		// The fault: profiles holds every call until the test releases it,
		// so two requests stay in flight.
		hold := make(chan struct{})
		release := sync.OnceFunc(func() { close(hold) })
		t.Cleanup(release)
		g.sb.Inject("profiles.getCustomer", sandbox.Fault{Hold: hold})
		var wg sync.WaitGroup
		admitted := make([]string, 2)
		for i := range admitted {
			wg.Go(func() { _, _, admitted[i] = postQuery(t, g, basic) })
		}
		waitFor(t, "two requests at the profiles API", func() bool { return g.calls()["profiles.getCustomer"] == 3 })
		for range 5 {
			status, retry, body := postQuery(t, g, basic)
			want := `{"errors":[{"message":"the facade is at capacity and refused this request before doing any of it; retry after 1 s","extensions":{"code":"OVERLOADED","retryAfter":1}}]}`
			if status != 503 || retry != "1" || body != want {
				t.Fatalf("refusal: %d, Retry-After %q, %s", status, retry, body)
			}
		}
		// The refusals came back while both admitted requests were still
		// held: they did not queue behind them.
		if n := g.calls()["profiles.getCustomer"]; n != 3 {
			t.Errorf("%d profile calls; the refused requests reached upstream", n)
		}
		release()
		wg.Wait()
		for _, body := range admitted {
			if body != normal {
				t.Errorf("admitted request: %s", body)
			}
		}
		if status, _, body := postQuery(t, g, basic); status != 200 || body != normal {
			t.Errorf("right after: %d %s", status, body)
		}
		if s := g.app.admission.Stats(); s.Requests != 0 || s.Weight != 0 || s.Refused != 5 {
			t.Errorf("limiter after: %+v", s)
		}
	})
	t.Run("cost: a heavy query is refused where a light one still fits", func(t *testing.T) {
		t.Parallel()
		// The full view costs 256; the limit leaves room for a little more.
		g := newTestGraph(t, sandbox.Options{}, fixedAdmission(100, 267, 1))
		hold := make(chan struct{})
		g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold})
		full := make(chan *gqlResponse, 1)
		go func() {
			full <- g.query(fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.HappyCustomer})
		}()
		waitFor(t, "the full view at the plans API", func() bool { return g.calls()["plans.getPlans"] == 1 })

		status, retry, body := postQuery(t, g, `{ customer(id: "27831000002") { plans { tariffPlan } } }`)
		want := `{"errors":[{"message":"the facade is at capacity and refused this operation before doing any of it; retry after 1 s","extensions":{"code":"OVERLOADED","retryAfter":1}}]}`
		if status != 503 || retry != "1" || body != want {
			t.Errorf("heavy query: %d, Retry-After %q, %s", status, retry, body)
		}
		if status, _, body := postQuery(t, g, `{ __typename }`); status != 200 || body != `{"data":{"__typename":"Query"}}` {
			t.Errorf("light query: %d %s", status, body)
		}
		close(hold)
		if r := <-full; len(r.Errors) != 0 {
			t.Errorf("the admitted full view: %+v", r.Errors)
		}
		if n := g.calls()["plans.getPlans"]; n != 1 {
			t.Errorf("%d plans calls; the refused query reached upstream", n)
		}
	})
}

// TestSaturationStarvesNeitherStreamsNorProbes: with the admission limit
// full, subscriptions start and run, and the health and metrics endpoints
// answer.
func TestSaturationStarvesNeitherStreamsNorProbes(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		fixedAdmission(1, 100000, 1)(c)
		streamConfig(c)
	})
	vars := subscribeAsync(t, g, "12")
	hold := make(chan struct{})
	g.sb.Inject("profiles.getCustomer", sandbox.Fault{Hold: hold})
	done := make(chan struct{})
	go func() { defer close(done); postQuery(t, g, `{ customer(id: "27831000001") { msisdn } }`) }()
	waitFor(t, "a request at the profiles API", func() bool { return g.calls()["profiles.getCustomer"] == 1 })
	if status, _, _ := postQuery(t, g, `{ __typename }`); status != 503 {
		t.Fatalf("the limit is not full: %d", status)
	}

	ws := dialWS(t, g)
	ws.subscribe("1", provisioning, vars)
	if statuses := ws.statuses("1"); strings.Join(statuses, ",") != "PENDING,ACTIVE" {
		t.Errorf("statuses %v", statuses)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if status, err := httpGet(g.url + path); err != nil || status != 200 {
			t.Errorf("%s: %d %v", path, status, err)
		}
	}
	resp, err := http.Get(g.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range []string{"graph_admission_inflight 1", "graph_admission_refused_total 1"} {
		if !strings.Contains(string(b), "\n"+line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
	close(hold)
	<-done
}

// TestAPIBoundFailsOnlyItsFields: when the facade's calls in flight to one
// API are at MTN_MAX_CONCURRENCY, a field needing that API fails fast with
// OVERLOADED, the other fields answer, and the API's breaker does not count
// it.
func TestAPIBoundFailsOnlyItsFields(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) { c.Upstream.MaxConcurrency = 1 })
	hold := make(chan struct{})
	g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold})
	first := make(chan *gqlResponse, 1)
	go func() { first <- g.query(`{ customer(id: "27831000001") { plans { tariffPlan } } }`, nil) }()
	waitFor(t, "a call at the plans API", func() bool { return g.calls()["plans.getPlans"] == 1 })

	r := g.query(`{ customer(id: "27832000001") { location { country } plans { tariffPlan } } }`, nil)
	want := gqlError{Message: "the facade already has 1 calls in flight to the plans API (MTN_MAX_CONCURRENCY); retry later",
		Path: []any{"customer", "plans"}, Extensions: map[string]any{"code": "OVERLOADED", "retryAfter": float64(1)}}
	if len(r.Errors) != 1 || r.Errors[0].Message != want.Message || r.Errors[0].pathString() != "customer.plans" ||
		r.Errors[0].code() != "OVERLOADED" || r.Errors[0].Extensions["retryAfter"] != float64(1) || len(r.Errors[0].Extensions) != 2 {
		t.Errorf("errors %+v, want %+v", r.Errors, want)
	}
	if at(r.Data, "customer.location.country") == nil || at(r.Data, "customer.plans") != nil {
		t.Errorf("data %v", r.Data)
	}
	close(hold)
	if r := <-first; len(r.Errors) != 0 {
		t.Errorf("the admitted call: %+v", r.Errors)
	}
	if n := g.calls()["plans.getPlans"]; n != 1 {
		t.Errorf("%d plans calls", n)
	}
	if s := g.app.client.BreakerStates()["plans"]; s != "closed" {
		t.Errorf("plans breaker %s", s)
	}
}

// TestReadyzNamesEachBreaker: /readyz says why it is (not) ready.
func TestReadyzNamesEachBreaker(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, nil)
	resp, err := http.Get(g.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := "ready\naccountholders breaker: closed\nplans breaker: closed\nprofiles breaker: closed\nsubscriptions breaker: closed\n"
	if resp.StatusCode != 200 || string(b) != want {
		t.Errorf("%d %q", resp.StatusCode, b)
	}
}
