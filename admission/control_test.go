package admission

import (
	"context"
	"testing"
	"time"
)

const target = 20 * time.Millisecond

// observeWindow feeds n finished operations of weight w whose own time
// was own each.
func observeWindow(l *Limiter, n, w int, own time.Duration) {
	for range n {
		l.Observe(w, own)
	}
}

// learned returns a limiter that has seen one calm window: operations of
// weight 100 taking 1 ms of the facade's own time, with 1,000 in flight.
func learned(t *testing.T) *Limiter {
	t.Helper()
	l := New(Options{MaxRequests: 1000, MaxWeight: 100000, MinRequests: 1, TargetDelay: target})
	release := mustAcquire(t, l, 1000)
	observeWindow(l, 10, 100, time.Millisecond)
	l.Adjust()
	release()
	if s := l.Stats(); s.Served != 1000 || s.Queueing != 0 || s.Limit != 100000 {
		t.Fatalf("after a calm window: %+v", s)
	}
	return l
}

func TestAdjust(t *testing.T) {
	for _, c := range []struct {
		name    string
		limit   int // at the start of the window
		flight  int // weight in flight during the window
		pressed bool
		ops     int           // operations finished in the window (weight 100 each)
		own     time.Duration // the facade's own time of each
		want    int
	}{
		{"own time at the baseline, nobody held back: doubles to the ceiling", 30000, 5000, false, 10, time.Millisecond, 60000},
		{"queueing within the target, held back: +25%", 30000, 30000, true, 10, 15 * time.Millisecond, 37500},
		{"queueing past the target: cut in proportion", 30000, 30000, false, 10, 43 * time.Millisecond, 15000},
		{"far past it: by half at most", 30000, 30000, false, 10, time.Second, 15000},
		{"a little past it: by a tenth at least", 30000, 30000, false, 10, 22 * time.Millisecond, 27000},
		{"cut from what was in flight, not from a limit nobody reached", 90000, 10000, false, 10, 43 * time.Millisecond, 5000},
		{"never below what was recently served", 30000, 1500, false, 10, time.Second, 1000},
		{"too few completions to judge, held back: held", 30000, 30000, true, 2, time.Second, 30000},
		{"too few completions, nobody held back: doubles", 30000, 30000, false, 2, time.Second, 60000},
		{"a slow API: long operations, little own time: no cut", 30000, 30000, true, 10, 2 * time.Millisecond, 37500},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := learned(t)
			l.limit = c.limit
			release := mustAcquire(t, l, c.flight)
			defer release()
			l.Adjust() // a window with no completions: the peak is what is in flight
			l.limit = c.limit
			l.pressed = c.pressed
			observeWindow(l, c.ops, 100, c.own)
			l.Adjust()
			if s := l.Stats(); s.Limit != c.want {
				t.Errorf("limit %d, want %d (%+v)", s.Limit, c.want, s)
			}
		})
	}
}

// TestTheLimitRecoversAfterTheLoad drives the controller window by window:
// an overload cuts the limit, and once demand is below the limit again it
// climbs back to the ceiling within a few windows, even with the machine
// still slow (the own time stays high but nothing is held back).
func TestTheLimitRecoversAfterTheLoad(t *testing.T) {
	l := learned(t)
	release := mustAcquire(t, l, 50000)
	for range 10 {
		observeWindow(l, 20, 100, 200*time.Millisecond)
		l.Adjust()
	}
	if s := l.Stats(); s.Limit != 1000 {
		t.Fatalf("after the overload: limit %d, want the 1,000 served", s.Limit)
	}
	release()
	windows := 0
	for l.Stats().Limit < 100000 {
		if windows++; windows > 8 {
			t.Fatalf("after %d quiet windows the limit is %d", windows, l.Stats().Limit)
		}
		l.Adjust()
	}
	// A neighbour keeps the CPU busy: a few operations take longer, but
	// nothing waits, so the limit stays at the ceiling.
	observeWindow(l, 2, 100, 50*time.Millisecond)
	l.Adjust()
	if s := l.Stats(); s.Limit != 100000 {
		t.Errorf("a light window on a slow machine: limit %d", s.Limit)
	}
}

// TestNothingRefusedBelowWhatWasServed: after the limit fell, operations
// summing to what the facade recently carried without queueing are all
// admitted at once.
func TestNothingRefusedBelowWhatWasServed(t *testing.T) {
	l := New(Options{MaxRequests: 1000, MaxWeight: 100000, MinRequests: 1, TargetDelay: target})
	calm := mustAcquire(t, l, 15360) // 60 full views
	observeWindow(l, 60, 256, 2*time.Millisecond)
	l.Adjust()
	calm()
	busy := mustAcquire(t, l, 40000)
	for range 5 {
		observeWindow(l, 60, 256, 300*time.Millisecond)
		l.Adjust()
	}
	busy()
	if s := l.Stats(); s.Limit != 15360 {
		t.Fatalf("limit %d, want the 15,360 served", s.Limit)
	}
	for i := range 60 {
		if _, err := l.Acquire(context.Background(), 256); err != nil {
			t.Fatalf("full view %d of 60 refused: %+v", i+1, l.Stats())
		}
	}
}

func TestAdjustWithoutTargetKeepsTheCeiling(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 500, MinRequests: 1})
	mustAcquire(t, l, 100)
	observeWindow(l, 10, 100, time.Second)
	l.Adjust()
	if s := l.Stats(); s.Limit != 500 {
		t.Errorf("limit %d", s.Limit)
	}
}

// TestAdjustAdmitsTheQueue: a limit that grows lets queued operations in
// at once, not at the next release.
func TestAdjustAdmitsTheQueue(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 1000, MinRequests: 1, Wait: forever, TargetDelay: target})
	l.limit = 100
	mustAcquire(t, l, 100)
	queued := acquireAsync(context.Background(), l, 25)
	waitQueued(t, l, 1)
	observeWindow(l, 10, 10, time.Millisecond)
	l.Adjust() // held back, no queueing: +25%
	if err := <-queued; err != nil {
		t.Fatal(err)
	}
}

// TestRunStopsWithItsContext: the controller adjusts at each tick and its
// goroutine ends with ctx.
func TestRunStopsWithItsContext(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 1000, MinRequests: 1, TargetDelay: time.Millisecond})
	l.limit = 100
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Run(ctx, tick)
	}()
	tick <- time.Time{}
	tick <- time.Time{} // the first tick's Adjust has finished
	cancel()
	<-done
	if s := l.Stats(); s.Limit != 400 {
		t.Errorf("after two quiet windows: %+v", s)
	}
}

func TestMeterOwnTime(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	for _, c := range []struct {
		name  string
		calls [][2]int // start, duration in ms
		want  time.Duration
	}{
		{"no calls", nil, 100 * time.Millisecond},
		{"one call", [][2]int{{10, 50}}, 50 * time.Millisecond},
		{"overlapping calls count once", [][2]int{{10, 50}, {20, 50}, {30, 5}}, 40 * time.Millisecond},
		{"apart", [][2]int{{0, 10}, {50, 10}}, 80 * time.Millisecond},
		{"past the end", [][2]int{{90, 50}}, 90 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &Meter{}
			for _, call := range c.calls {
				m.Waited(ms(call[0]), time.Duration(call[1])*time.Millisecond)
			}
			if got := m.Own(ms(0), ms(100)); got != c.want {
				t.Errorf("own %v, want %v", got, c.want)
			}
		})
	}
}
