package admission

import (
	"context"
	"testing"
	"time"
)

const (
	target = 4 * time.Millisecond
	window = 100 * time.Millisecond
)

// served returns a limiter that carried weight w through one calm window.
func served(t *testing.T, w int) *Limiter {
	t.Helper()
	l := New(Options{MaxRequests: 1000, MaxWeight: 10000, MinRequests: 1, TargetDelay: target})
	l.Observe(w, window) // w held for the whole window
	l.Adjust(time.Millisecond, window)
	if s := l.Stats(); s.Served != w || s.Limit != 10000 {
		t.Fatalf("after a calm window: %+v", s)
	}
	return l
}

func TestAdjust(t *testing.T) {
	for _, c := range []struct {
		name    string
		limit   int           // at the start of the window
		flight  []int         // weights admitted during the window (and kept)
		pressed bool          // an operation was refused during the window
		prev    time.Duration // the previous window's scheduling delay
		delay   time.Duration // the window's scheduling delay
		want    int
	}{
		{"overloaded two windows: 90% of what was in flight", 1000, []int{300, 300}, false, 5 * time.Millisecond, 10 * time.Millisecond, 540},
		{"overloaded, pressed, limit below the load: 90% of the limit", 600, []int{300, 300}, true, 5 * time.Millisecond, 5 * time.Millisecond, 540},
		{"one window far over the target: cut at once", 1000, []int{300, 300}, false, 0, 17 * time.Millisecond, 540},
		{"one window a little over: held", 1000, []int{500, 500}, true, 0, 10 * time.Millisecond, 1000},
		{"never below what was recently served", 1000, []int{100, 300, 100}, true, 10 * time.Millisecond, 10 * time.Millisecond, 500},
		{"delayed with less in flight than served (a neighbour's doing): held", 4000, []int{300, 100}, false, 10 * time.Millisecond, 10 * time.Millisecond, 4000},
		{"delayed with more in flight than served: cut though far from the limit", 4000, []int{300, 300}, false, 10 * time.Millisecond, 10 * time.Millisecond, 540},
		{"near the target, pressed: +10%", 1000, []int{500, 500}, true, 0, 3 * time.Millisecond, 1100},
		{"far under the target, pressed: +50%", 1000, []int{600, 400}, true, 0, time.Millisecond, 1500},
		{"nobody held back: doubles", 1000, []int{100}, false, 0, 3 * time.Millisecond, 2000},
		{"growth stops at MaxWeight", 9000, []int{4000, 4000}, true, 0, time.Millisecond, 10000},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := served(t, 500)
			l.limit = c.limit
			for _, w := range c.flight {
				mustAcquire(t, l, w)
			}
			l.pressed = c.pressed
			l.delay = c.prev
			l.Adjust(c.delay, window)
			if s := l.Stats(); s.Limit != c.want || s.Delay != c.delay {
				t.Errorf("limit %d, want %d (%+v)", s.Limit, c.want, s)
			}
		})
	}
}

// TestTheLimitRecoversAfterTheLoad drives the controller window by window:
// an overload cuts the limit to what was served, and once demand is below
// the limit it doubles back to the ceiling, even while a neighbour keeps
// the scheduler's delay high.
func TestTheLimitRecoversAfterTheLoad(t *testing.T) {
	l := served(t, 600)
	release := mustAcquire(t, l, 9000)
	for range 40 { // 10% a window
		l.Adjust(50*time.Millisecond, window)
	}
	if s := l.Stats(); s.Limit != 600 {
		t.Fatalf("after the overload: limit %d, want the 600 served", s.Limit)
	}
	release()
	windows := 0
	for l.Stats().Limit < 10000 {
		if windows++; windows > 6 {
			t.Fatalf("after %d quiet windows the limit is %d", windows, l.Stats().Limit)
		}
		l.Adjust(time.Millisecond, window)
	}
	// A neighbour keeps the CPU busy: the delay stays over the target, but
	// the facade is far from its limit: nothing falls.
	mustAcquire(t, l, 500) // less than the 600 served
	for range 5 {
		l.Adjust(50*time.Millisecond, window)
	}
	if s := l.Stats(); s.Limit != 10000 {
		t.Errorf("a neighbour's delay cut the limit to %d", s.Limit)
	}
}

// TestNothingRefusedBelowWhatWasServed: after the limit fell, operations
// summing to what the facade recently carried are all admitted at once.
func TestNothingRefusedBelowWhatWasServed(t *testing.T) {
	l := New(Options{MaxRequests: 1000, MaxWeight: 100000, MinRequests: 1, TargetDelay: target})
	for range 60 { // 60 full views held for the whole window
		l.Observe(256, window)
	}
	l.Adjust(time.Millisecond, window)
	busy := mustAcquire(t, l, 90000)
	for range 40 {
		l.Adjust(50*time.Millisecond, window)
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
	mustAcquire(t, l, 400)
	l.Adjust(time.Second, window)
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
	queued := acquireAsync(context.Background(), l, 50)
	waitQueued(t, l, 1)
	l.Adjust(time.Millisecond, window) // pressed, far under the target: 150
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
		l.Run(ctx, tick, window, func() time.Duration { return 0 })
	}()
	tick <- time.Time{}
	tick <- time.Time{} // the first tick's Adjust has finished
	cancel()
	<-done
	if s := l.Stats(); s.Limit != 400 {
		t.Errorf("after two quiet windows: %+v", s)
	}
}
func TestQuantile(t *testing.T) {
	inf := func(sign int) float64 { return float64(sign) * 1e308 * 10 }
	bounds := []float64{inf(-1), 0, 0.001, 0.01, 0.1, inf(1)}
	for _, c := range []struct {
		name   string
		counts []uint64
		q      float64
		want   time.Duration
	}{
		{"no samples", []uint64{0, 0, 0, 0, 0}, 0.99, 0},
		{"all under 1 ms", []uint64{0, 100, 0, 0, 0}, 0.99, 0},
		{"p99 in [1 ms, 10 ms)", []uint64{0, 90, 10, 0, 0}, 0.99, time.Millisecond},
		{"p50 in [0, 1 ms)", []uint64{0, 90, 10, 0, 0}, 0.5, 0},
		{"one slow sample of 100 decides p99", []uint64{0, 98, 1, 1, 0}, 0.99, time.Millisecond},
		{"in the open top bucket: its lower bound", []uint64{0, 0, 0, 0, 5}, 0.99, 100 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			var total uint64
			for _, n := range c.counts {
				total += n
			}
			if got := quantile(c.counts, bounds, total, c.q); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestSchedulingDelayReadsTheRuntime: the runtime metric exists and a
// reading covers only the window since the last one.
func TestSchedulingDelayReadsTheRuntime(t *testing.T) {
	s := NewSchedulingDelay(0.99)
	if len(s.prev) == 0 {
		t.Fatal("the runtime has no " + schedLatencies + " histogram")
	}
	for range 100 {
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
	}
	if d := s.Sample(); d < 0 || d > time.Minute {
		t.Errorf("delay %v", d)
	}
}
