package edge

import (
	"sync"
	"testing"
	"time"

	"customergraph/sandbox"
)

// TestSlowCustomerCostsOnlyItself: the Subscription Management API holds
// every list call (the fault, declared here). One customer asked four
// times at once holds only its share of the API's slots: its other two
// asks fail fast on that field alone, while other customers' reads fill
// the rest, and a write goes through a pool of its own although every
// read slot is taken.
func TestSlowCustomerCostsOnlyItself(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, func(c *Config) {
		c.Upstream.MaxConcurrency, c.Upstream.MaxConcurrencyPerCustomer, c.Upstream.MaxWriteConcurrency = 4, 2, 2
		c.Upstream.QueueWait = 50 * time.Millisecond
	})
	hold := make(chan struct{})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release)
	g.sb.Inject("subscriptions.list", sandbox.Fault{Hold: hold})
	// answered counts the profile calls the sandbox has answered: each ask
	// of the customer also checks its profile, and the asks go one after
	// another so that those checks never exceed the share themselves.
	answered := func() int {
		n := 0
		for _, e := range g.sb.Log() {
			if e.Op == "profiles.getCustomer" {
				n++
			}
		}
		return n
	}

	const q = `query($id: ID!) { customer(id: $id) { location { country } subscriptions { providerId } } }`
	var wg sync.WaitGroup
	slow := make(chan *gqlResponse, 2)
	for i := range 2 {
		wg.Go(func() { slow <- g.query(q, map[string]any{"id": sandbox.HappyCustomer}) })
		waitFor(t, "the ask held at Subscription Management", func() bool {
			return g.calls()["subscriptions.list"] == i+1 && answered() == i+1
		})
	}
	// The third and fourth asks find the customer's share taken: that
	// field fails fast, alone.
	for range 2 {
		r := g.query(q, map[string]any{"id": sandbox.HappyCustomer})
		e := r.errorAt("customer.subscriptions")
		if e == nil || e.code() != "OVERLOADED" || len(r.Errors) != 1 ||
			e.Message != "the facade already has 2 calls in flight to the subscriptions API for this customer (MTN_MAX_CONCURRENCY_PER_CUSTOMER); retry later" {
			t.Fatalf("a third ask of one customer: %+v", r.Errors)
		}
		if at(r.Data, "customer.location.country") != "ZA" {
			t.Errorf("its other fields: %v", r.Data)
		}
	}
	others := make(chan *gqlResponse, 2)
	for i := range 2 {
		wg.Go(func() { others <- g.query(q, map[string]any{"id": sandbox.Ordinary(i)}) })
	}
	waitFor(t, "every read slot held", func() bool { return g.calls()["subscriptions.list"] == 4 })

	r := g.query(`mutation { subscribe(input: {customerId: "27832000005", subscriptionId: "9", providerId: "202", name: "MTN Play Music", type: RECURRING, autoRenew: true}) { subscription { id } pending { id } } }`, nil)
	if len(r.Errors) != 0 || at(r.Data, "subscribe") == nil {
		t.Errorf("a write while every read slot is held: %+v", r.Errors)
	}

	release()
	wg.Wait()
	close(slow)
	close(others)
	for r := range slow {
		if len(r.Errors) != 0 {
			t.Errorf("a held ask of the slow customer: %+v", r.Errors)
		}
	}
	for r := range others {
		if len(r.Errors) != 0 {
			t.Errorf("another customer: %+v", r.Errors)
		}
	}
}
