package edge

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"customergraph/sandbox"
)

// The propset is decided from the selection set, never from timing: a
// customer whose selection needs the full profile loads it once, and the
// existence check reads that same load.

func TestPropsetFollowsTheSelection(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, query string
		want        []string // the profile calls' query strings, in any order of customers
	}{
		{"the id alone", `{ customer(id: "27831000001") { msisdn } }`, []string{"propset=basic"}},
		{"with a full field", `{ customer(id: "27831000001") { msisdn kyc { idType } } }`, []string{"propset=full"}},
		{"the full field in a fragment", `{ customer(id: "27831000001") { msisdn ...F } } fragment F on Customer { devices { __typename } }`, []string{"propset=full"}},
		{"the full field in an inline fragment", `{ customer(id: "27831000001") { msisdn ... on Customer { loans { status } } } }`, []string{"propset=full"}},
		{"the full field skipped", `{ customer(id: "27831000001") { msisdn location @skip(if: true) { country } } }`, []string{"propset=basic"}},
		{"in a list: per customer", `{ customers(ids: ["27832000001", "27832000002"]) { msisdn } }`, []string{"propset=basic", "propset=basic"}},
		{"in a list with a full field", `{ customers(ids: ["27832000001", "27832000002"]) { msisdn location { country } } }`, []string{"propset=full", "propset=full"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGraph(t, sandbox.Options{}, nil)
			r := g.query(tc.query, nil)
			if len(r.Errors) != 0 {
				t.Fatalf("%+v", r.Errors)
			}
			var got []string
			for _, e := range g.sb.Log() {
				if e.Op == "profiles.getCustomer" {
					got = append(got, e.Query)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("profile calls %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("profile calls %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestFullViewUnderLoadMakesOneProfileCall runs the full view 200 times at
// once (under -race, beside the rest of the suite): each query makes exactly
// one profile call, whatever the dataloader windows do.
func TestFullViewUnderLoadMakesOneProfileCall(t *testing.T) {
	t.Parallel()
	// 200 at once on a busy machine is what admission control would shed;
	// here the subject is the loaders, so every query is admitted, and no
	// deadline may fail a call: under -race beside CPU hogs, 1,200 upstream
	// calls at once took over MTN_TIMEOUT's 10 s for the slowest (CI saw an
	// accountholders call time out), which says nothing about batching.
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.AdmissionDelay, c.MinInFlight, c.Upstream.MaxConcurrency = 0, 200, 1000
		c.Upstream.MaxConcurrencyPerCustomer = 1000 // one customer, 200 times
		c.Upstream.Timeout, c.RequestTimeout = 2*time.Minute, 3*time.Minute
	})
	q := fixture(t, "customer_full.graphql")
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Go(func() {
			r := g.query(q, map[string]any{"id": sandbox.HappyCustomer})
			if len(r.Errors) != 0 || at(r.Data, "customer.location") == nil {
				errs <- fmt.Sprintf("a query failed: %+v", r.Errors)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if c := g.calls(); c["profiles.getCustomer"] != n {
		t.Errorf("%d profile calls for %d queries", c["profiles.getCustomer"], n)
	}
}
