package admission

import (
	"context"
	"testing"
	"time"
)

func TestAdjust(t *testing.T) {
	const target = 4 * time.Millisecond
	for _, c := range []struct {
		name    string
		limit   int           // at the start of the window
		flight  []int         // weights admitted during the window (and kept)
		pressed bool          // an operation was refused during the window
		prev    time.Duration // the previous window's scheduling delay
		delay   time.Duration // the window's scheduling delay
		want    int
	}{
		{"overloaded two windows: 90% of what was in flight", 1000, []int{200, 200}, false, 5 * time.Millisecond, 10 * time.Millisecond, 360},
		{"overloaded, limit below the load: 90% of the limit", 300, []int{200, 200}, false, 5 * time.Millisecond, 5 * time.Millisecond, 270},
		{"one window far over the target: cut at once", 1000, []int{200, 200}, false, 0, 17 * time.Millisecond, 360},
		{"one window a little over: held", 1000, []int{500, 500}, true, 0, 10 * time.Millisecond, 1000},
		{"overloaded and idle: never below 1", 1000, nil, false, 10 * time.Millisecond, 10 * time.Millisecond, 1},
		{"near the target, pressed: +10%", 1000, []int{500, 500}, true, 0, 3 * time.Millisecond, 1100},
		{"near the target, not pressed: unchanged", 1000, []int{100}, false, 0, 3 * time.Millisecond, 1000},
		{"far under the target, pressed: +50%", 1000, []int{300, 300}, true, 0, time.Millisecond, 1500},
		{"far under the target: at least twice the load", 1000, []int{400, 400}, false, 0, time.Millisecond, 1600},
		{"growth stops at MaxWeight", 9000, []int{4000, 4000}, true, 0, time.Millisecond, 10000},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := New(Options{MaxRequests: 100, MaxWeight: 10000, MinRequests: 100, TargetDelay: target})
			l.limit = c.limit
			for _, w := range c.flight {
				mustAcquire(t, l, w)
			}
			if c.pressed {
				l.pressed = true
			}
			l.delay = c.prev
			l.Adjust(c.delay)
			if s := l.Stats(); s.Limit != c.want || s.Delay != c.delay {
				t.Errorf("limit %d, want %d (%+v)", s.Limit, c.want, s)
			}
		})
	}
}

func TestAdjustWithoutTargetKeepsTheCeiling(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 500, MinRequests: 1})
	mustAcquire(t, l, 100)
	l.Adjust(time.Second)
	if s := l.Stats(); s.Limit != 500 {
		t.Errorf("limit %d", s.Limit)
	}
}

// TestAdjustAdmitsTheQueue: a limit that grows lets queued operations in
// at once, not at the next release.
func TestAdjustAdmitsTheQueue(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 1000, MinRequests: 1, Wait: forever, TargetDelay: 4 * time.Millisecond})
	l.limit = 100
	mustAcquire(t, l, 100)
	queued := acquireAsync(context.Background(), l, 50)
	waitQueued(t, l, 1)
	l.Adjust(time.Millisecond) // pressed, far under the target: 150
	if err := <-queued; err != nil {
		t.Fatal(err)
	}
}

// TestRunStopsWithItsContext: the controller goroutine ends with ctx.
func TestRunStopsWithItsContext(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 1000, MinRequests: 1, TargetDelay: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	samples := make(chan struct{}, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Run(ctx, time.Millisecond, func() time.Duration {
			select {
			case samples <- struct{}{}:
			default:
			}
			return time.Hour
		})
	}()
	<-samples
	cancel()
	<-done
	if s := l.Stats(); s.Limit != 1 || s.Delay != time.Hour {
		t.Errorf("after an overloaded window: %+v", s)
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
