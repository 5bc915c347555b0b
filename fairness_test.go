package main

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
	g := newTestGraph(t, sandbox.Options{}, func(c *config) {
		c.Upstream.MaxConcurrency, c.Upstream.MaxConcurrencyPerCustomer, c.Upstream.MaxWriteConcurrency = 4, 2, 2
		// Long enough for the four profile calls of one customer (share 2)
		// to take turns on a loaded machine; the refused Subscription
		// Management calls wait it out, since the held ones never end.
		c.Upstream.QueueWait = 2 * time.Second
	})
	hold := make(chan struct{})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release)
	g.sb.Inject("subscriptions.list", sandbox.Fault{Hold: hold})

	const q = `query($id: ID!) { customer(id: $id) { location { country } subscriptions { providerId } } }`
	var wg sync.WaitGroup
	slow := make(chan *gqlResponse, 4)
	for range 4 {
		wg.Go(func() { slow <- g.query(q, map[string]any{"id": sandbox.HappyCustomer}) })
	}
	// Two are refused; they come back while the other two are held.
	for range 2 {
		r := <-slow
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
