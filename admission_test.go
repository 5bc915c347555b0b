package main

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"customergraph/sandbox"
)

// manualAdmission leaves the adaptive limit on but moves it only when the
// test calls Adjust: the controller's clock is the test's.
func manualAdmission(c *config) {
	c.MaxInFlight, c.MaxInFlightCost, c.MinInFlight, c.AdmissionDelay = 1000, 100000, 1, 20*time.Millisecond
	c.admissionTicks = make(chan time.Time) // never ticks
}

// TestAdmissionRecoversAndHonoursWhatWasServed drives the real handler and
// the controller window by window. Eight full views held at the plans API
// are what the facade carried calmly; an overload (its own time far over
// the baseline, fed as the signal) cuts the limit to those eight; eight are
// then still admitted and a ninth is refused at once; a few quiet windows
// later the limit is back at its ceiling and twenty go through.
func TestAdmissionRecoversAndHonoursWhatWasServed(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{}, manualAdmission)
	lim := g.app.admission
	full := fixture(t, "customer_full.graphql")
	// holdViews starts n full views of distinct customers and waits until
	// all of them are at the plans API, held there.
	holdViews := func(n int) (release func(), bodies chan *gqlResponse) {
		hold := make(chan struct{})
		g.sb.Inject("plans.getPlans", sandbox.Fault{Hold: hold})
		before := g.calls()["plans.getPlans"]
		bodies = make(chan *gqlResponse, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { bodies <- g.query(full, map[string]any{"id": fmt.Sprintf("27832%06d", i)}) })
		}
		waitFor(t, fmt.Sprintf("%d full views at the plans API", n), func() bool { return g.calls()["plans.getPlans"] == before+n })
		return sync.OnceFunc(func() { close(hold); wg.Wait(); close(bodies) }), bodies
	}
	const view = 256

	release, first := holdViews(8)
	for range 8 { // the signal: calm operations, 2 ms of the facade's own time each
		lim.Observe(view, 2*time.Millisecond)
	}
	lim.Adjust()
	release()
	for r := range first {
		if len(r.Errors) != 0 {
			t.Errorf("a calm view: %+v", r.Errors)
		}
	}
	if s := lim.Stats(); s.Served != 8*view || s.Limit != 100000 {
		t.Fatalf("after a calm window with eight views in flight: %+v", s)
	}

	for range 20 { // the signal: operations queueing 300 ms in the facade
		lim.Observe(view, 300*time.Millisecond)
	}
	lim.Adjust()
	if s := lim.Stats(); s.Limit != 8*view {
		t.Fatalf("after an overloaded window: %+v", s)
	}

	release, bodies := holdViews(8)
	status, retry, body := postQuery(t, g, `{ customer(id: "27831000001") { id } }`)
	if status != 503 || retry != "1" {
		t.Errorf("a ninth request past the cut limit: %d, Retry-After %q, %s", status, retry, body)
	}
	release()
	for r := range bodies {
		if len(r.Errors) != 0 {
			t.Errorf("a view within what was served: %+v", r.Errors)
		}
	}

	for i := 0; lim.Stats().Limit < 100000; i++ {
		if i == 8 {
			t.Fatalf("the limit did not recover in 8 quiet windows: %+v", lim.Stats())
		}
		lim.Adjust()
	}
	release, bodies = holdViews(20)
	release()
	for r := range bodies {
		if len(r.Errors) != 0 {
			t.Errorf("a view after the recovery: %+v", r.Errors)
		}
	}
	if s := lim.Stats(); s.Refused != 1 {
		t.Errorf("refused %d, want only the ninth request", s.Refused)
	}
}
