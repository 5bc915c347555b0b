package edge

import (
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"customergraph/calltrace"
	"customergraph/sandbox"
)

// traced is the part of a response that the call trace adds.
type traced struct {
	Data       json.RawMessage `json:"data"`
	Extensions struct {
		UpstreamCalls []calltrace.Call `json:"upstreamCalls"`
		MinimumCalls  *int             `json:"minimumCalls"`
		Cost          *struct {
			Computed int `json:"computed"`
			Limit    int `json:"limit"`
		} `json:"cost"`
	} `json:"extensions"`
}

func sendTraced(t *testing.T, g *testGraph, q string, vars map[string]any, headers ...string) traced {
	t.Helper()
	resp, raw := g.send(q, vars, headers...)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	var out traced
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCallTraceMatchesTheSandboxLog(t *testing.T) {
	g := newTestGraph(t, sandbox.Options{}, nil)
	// The partial-profile customer: Profiles and the subscriptions list answer 207.
	got := sendTraced(t, g, fixture(t, "customer_full.graphql"), map[string]any{"id": sandbox.PartialProfileCustomer}, TraceHeader, "1")

	var fromSandbox []string
	for _, e := range g.sb.Log() {
		if e.API != sandbox.OAuth {
			fromSandbox = append(fromSandbox, e.Op+" "+strconv.Itoa(e.Status))
		}
	}
	var fromTrace []string
	for _, c := range got.Extensions.UpstreamCalls {
		for range c.Attempts {
			fromTrace = append(fromTrace, c.Op+" "+strconv.Itoa(c.Status))
		}
	}
	slices.Sort(fromSandbox)
	slices.Sort(fromTrace)
	if d := cmp.Diff(fromSandbox, fromTrace); d != "" {
		t.Errorf("calls in the trace differ from the sandbox's log (-sandbox +trace):\n%s", d)
	}
	if got.Extensions.MinimumCalls == nil || *got.Extensions.MinimumCalls != len(got.Extensions.UpstreamCalls) {
		t.Errorf("minimumCalls = %v, want %d (one per resource read)", got.Extensions.MinimumCalls, len(got.Extensions.UpstreamCalls))
	}
	for i := range got.Extensions.UpstreamCalls {
		c := &got.Extensions.UpstreamCalls[i]
		if c.StartedAtMs < 0 || c.DurationMs <= 0 {
			t.Errorf("%s: startedAtMs %v, durationMs %v", c.Op, c.StartedAtMs, c.DurationMs)
		}
		c.StartedAtMs, c.DurationMs = 0, 0
	}
	slices.SortFunc(got.Extensions.UpstreamCalls, func(a, b calltrace.Call) int { return strings.Compare(a.Op, b.Op) })
	want := []calltrace.Call{
		{API: "accountholders", Op: "accountholders.get", Method: "GET", Path: "/accountholders/{id}", Status: 200, Outcome: "ok", Attempts: 1, BatchSize: 1, Paths: []string{"customer.accountholder"}},
		{API: "accountholders", Op: "accountholders.validate", Method: "GET", Path: "/accountholders/{id}/validate", Status: 200, Outcome: "ok", Attempts: 1, BatchSize: 1, Paths: []string{"customer.accountholder.validation"}},
		{API: "plans", Op: "plans.getPlans", Method: "GET", Path: "/customers/{customerId}/plans", Status: 200, Outcome: "ok", Attempts: 1, BatchSize: 1, Paths: []string{"customer.plans"}},
		{API: "profiles", Op: "profiles.getCustomer", Method: "GET", Path: "/customers/{customerId}", Status: 207, Outcome: "partial", Attempts: 1, BatchSize: 1,
			Paths: []string{"customer", "customer.location", "customer.billingPlan", "customer.loans", "customer.accounts", "customer.kyc", "customer.devices", "customer.transactionSummary"}},
		{API: "subscriptions", Op: "subscriptions.list", Method: "GET", Path: "/customers/{customerId}/subscriptions", Status: 207, Outcome: "partial", Attempts: 1, BatchSize: 1, Paths: []string{"customer.subscriptions"}},
		{API: "subscriptions", Op: "subscriptions.providers", Method: "GET", Path: "/customers/{customerId}/subscriptions-providers", Status: 200, Outcome: "ok", Attempts: 1, BatchSize: 1, Paths: []string{"customer.subscriptionProviders"}},
	}
	if d := cmp.Diff(want, got.Extensions.UpstreamCalls, cmpopts.IgnoreUnexported(calltrace.Call{})); d != "" {
		t.Errorf("upstreamCalls (-want +got):\n%s", d)
	}
	if c := got.Extensions.Cost; c == nil || c.Computed <= 0 || c.Limit != g.app.cfg.MaxCost {
		t.Errorf("cost = %+v, want the computed cost and the limit %d", c, g.app.cfg.MaxCost)
	}
}

func TestCallTraceOnlyWhenAskedAndAllowed(t *testing.T) {
	const key, otherKey = "analyst-key-1", "bff-key-2"
	keys := "analyst=" + hex.EncodeToString(hashKey(key)) + ":trace,bff=" + hex.EncodeToString(hashKey(otherKey))
	realAPIs := func(c *Config) {
		parsed, err := LoadConfig(func(k string) string {
			if k == "GRAPH_CLIENT_KEYS" {
				return keys
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		c.sandbox, c.clients = false, parsed.clients
	}
	q := `{ customer(id: "27831000001") { msisdn } }`
	for _, tc := range []struct {
		name      string
		tweak     func(*Config)
		header    []string
		extension bool
		want      bool
	}{
		{"sandbox, not asked", nil, nil, false, false},
		{"sandbox, asked by header", nil, []string{TraceHeader, "1"}, false, true},
		{"sandbox, asked by extension", nil, nil, true, true},
		{"sandbox, header says 0", nil, []string{TraceHeader, "0"}, false, false},
		{"real APIs, key with the trace permission", realAPIs, []string{"Authorization", "Bearer " + key}, true, true},
		{"real APIs, key without it", realAPIs, []string{"Authorization", "Bearer " + otherKey, TraceHeader, "1"}, true, false},
		{"real APIs, key with it, not asked", realAPIs, []string{"Authorization", "Bearer " + key}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGraph(t, sandbox.Options{}, tc.tweak)
			body := map[string]any{"query": q}
			if tc.extension {
				body["extensions"] = map[string]any{"trace": true}
			}
			b, _ := json.Marshal(body)
			resp, raw := post(t, g.url+"/graphql", string(b), tc.header...)
			raw = strings.TrimSpace(raw)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
			if tc.want {
				var got traced
				if err := json.Unmarshal([]byte(raw), &got); err != nil {
					t.Fatal(err)
				}
				if len(got.Extensions.UpstreamCalls) != 1 || got.Extensions.UpstreamCalls[0].Op != "profiles.getCustomer" {
					t.Fatalf("want a trace of the one profile call, got %s", raw)
				}
				return
			}
			// No trace: the whole body is the answer alone.
			if want := `{"data":{"customer":{"msisdn":"27831000001"}}}`; raw != want {
				t.Errorf("body = %s, want %s", raw, want)
			}
		})
	}
}
