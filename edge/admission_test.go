package edge

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"customergraph/sandbox"
)

// manualAdmission leaves the adaptive limit on but moves it only when the
// test calls Adjust: the controller's clock is the test's.
func manualAdmission(c *Config) {
	c.MaxInFlight, c.MaxInFlightCost, c.MinInFlight, c.AdmissionDelay = 1000, 4096, 1, 5*time.Millisecond
	c.admissionTicks = make(chan time.Time) // never ticks
}

// TestAdmissionRecoversAndHonoursWhatWasServed drives the real handler and
// the controller window by window. Eight full views held at the plans API
// are what the facade carried calmly; an overload (the scheduler's delay
// far over its target with the facade at its limit, fed as the signal)
// cuts the limit to those eight; eight are
// then still admitted and a ninth is refused at once; a few quiet windows
// later the limit is back at its ceiling and sixteen go through.
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
	for range 8 { // eight views that held their weight the whole window
		lim.Observe(view, 100*time.Millisecond)
	}
	lim.Adjust(time.Millisecond, 100*time.Millisecond)
	release()
	for r := range first {
		if len(r.Errors) != 0 {
			t.Errorf("a calm view: %+v", r.Errors)
		}
	}
	if s := lim.Stats(); s.Served != 8*view || s.Limit != 4096 {
		t.Fatalf("after a calm window with eight views in flight: %+v", s)
	}

	// The signal: the scheduler's delay far over the target while eight
	// views, half the ceiling, are in flight: the facade at its limit.
	release, bodies := holdViews(8)
	for range 10 {
		lim.Adjust(100*time.Millisecond, 100*time.Millisecond)
	}
	if s := lim.Stats(); s.Limit != 8*view {
		t.Fatalf("after an overload: %+v", s)
	}
	status, retry, body := postQuery(t, g, `{ customer(id: "27831000001") { msisdn } }`)
	if status != 503 || retry != "1" {
		t.Errorf("a ninth request past the cut limit: %d, Retry-After %q, %s", status, retry, body)
	}
	release()
	for r := range bodies {
		if len(r.Errors) != 0 {
			t.Errorf("a view within what was served: %+v", r.Errors)
		}
	}

	for i := 0; lim.Stats().Limit < 4096; i++ {
		if i == 8 {
			t.Fatalf("the limit did not recover in 8 quiet windows: %+v", lim.Stats())
		}
		lim.Adjust(time.Millisecond, 100*time.Millisecond)
	}
	release, bodies = holdViews(16)
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
