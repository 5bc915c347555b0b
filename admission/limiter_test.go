package admission

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

// forever is a queue wait no test reaches: an operation that waits is
// admitted by a release, never by timing.
const forever = time.Hour

func mustAcquire(t *testing.T, l *Limiter, weight int) func() {
	t.Helper()
	release, err := l.Acquire(context.Background(), weight)
	if err != nil {
		t.Fatalf("acquire %d: %v (%+v)", weight, err, l.Stats())
	}
	return release
}

// acquireAsync starts an Acquire and returns where its result arrives.
func acquireAsync(ctx context.Context, l *Limiter, weight int) <-chan error {
	c := make(chan error, 1)
	go func() {
		_, err := l.Acquire(ctx, weight)
		c <- err
	}()
	return c
}

func waitQueued(t *testing.T, l *Limiter, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); l.Stats().Queued != n; {
		if time.Now().After(deadline) {
			t.Fatalf("queued %d, want %d", l.Stats().Queued, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLimiterBounds(t *testing.T) {
	t.Run("past MaxRequests, refused at once", func(t *testing.T) {
		l := New(Options{MaxRequests: 2, MaxWeight: 100, MinRequests: 1, Wait: forever})
		mustAcquire(t, l, 1)
		mustAcquire(t, l, 1)
		if _, err := l.Acquire(context.Background(), 1); !errors.Is(err, ErrOverloaded) {
			t.Fatalf("third: %v", err)
		}
		if s := l.Stats(); s != (Stats{Limit: 100, Weight: 2, Requests: 2, Refused: 1}) {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("past the weight limit, waits for a release", func(t *testing.T) {
		l := New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 1, Wait: forever})
		release := mustAcquire(t, l, 60)
		second := acquireAsync(context.Background(), l, 50)
		waitQueued(t, l, 1)
		release()
		if err := <-second; err != nil {
			t.Fatal(err)
		}
		if s := l.Stats(); s.Weight != 50 || s.Requests != 1 || s.Queued != 0 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("no release within Wait: refused", func(t *testing.T) {
		l := New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 1, Wait: time.Millisecond})
		mustAcquire(t, l, 100)
		if _, err := l.Acquire(context.Background(), 1); !errors.Is(err, ErrOverloaded) {
			t.Fatalf("%v", err)
		}
		if s := l.Stats(); s.Queued != 0 || s.Refused != 1 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("no queue: refused at once", func(t *testing.T) {
		l := New(Options{MaxRequests: 10, MaxWeight: 10, MinRequests: 1})
		mustAcquire(t, l, 10)
		if _, err := l.Acquire(context.Background(), 1); !errors.Is(err, ErrOverloaded) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("below MinRequests, any weight is admitted", func(t *testing.T) {
		l := New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 2})
		mustAcquire(t, l, 100)
		mustAcquire(t, l, 100)
		if _, err := l.Acquire(context.Background(), 1); !errors.Is(err, ErrOverloaded) {
			t.Fatalf("third: %v", err)
		}
	})
	t.Run("weights are clamped to [1, MaxWeight]", func(t *testing.T) {
		l := New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 1})
		mustAcquire(t, l, 0)
		if s := l.Stats(); s.Weight != 1 {
			t.Errorf("weight 0 counted as %d", s.Weight)
		}
		l = New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 1})
		mustAcquire(t, l, math.MaxInt)
		if s := l.Stats(); s.Weight != 100 {
			t.Errorf("weight MaxInt counted as %d", s.Weight)
		}
	})
	t.Run("release twice gives back once", func(t *testing.T) {
		l := New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 1})
		keep := mustAcquire(t, l, 30)
		release := mustAcquire(t, l, 20)
		release()
		release()
		keep()
		if s := l.Stats(); s.Weight != 0 || s.Requests != 0 {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestLimiterQueueIsFIFO(t *testing.T) {
	l := New(Options{MaxRequests: 10, MaxWeight: 100, MinRequests: 1, Wait: forever})
	release := mustAcquire(t, l, 95)
	headCtx, cancelHead := context.WithCancel(context.Background())
	head := acquireAsync(headCtx, l, 50)
	waitQueued(t, l, 1)
	light := acquireAsync(context.Background(), l, 5)
	waitQueued(t, l, 2)
	select {
	case err := <-light:
		t.Fatalf("the light operation overtook the queue: %v", err)
	default:
	}
	// The head gives up: the light one behind it fits and goes in.
	cancelHead()
	if err := <-head; !errors.Is(err, ErrOverloaded) {
		t.Fatalf("head: %v", err)
	}
	if err := <-light; err != nil {
		t.Fatalf("light: %v", err)
	}
	if s := l.Stats(); s.Weight != 100 || s.Queued != 0 {
		t.Errorf("stats %+v", s)
	}
	release()
}

func TestRefuseEarly(t *testing.T) {
	for _, c := range []struct {
		name   string
		hold   []int // weights in flight
		queued bool
		want   bool
	}{
		{"idle", nil, false, false},
		{"room left", []int{40, 40}, false, false},
		{"limit used up", []int{60, 40}, false, true},
		{"limit used up but below MinRequests", []int{100}, false, false},
		{"MaxRequests in flight", []int{1, 1, 1}, false, true},
		{"someone is queued", []int{50, 45}, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := New(Options{MaxRequests: 3, MaxWeight: 100, MinRequests: 2, Wait: forever})
			for _, w := range c.hold {
				defer mustAcquire(t, l, w)()
			}
			if c.queued {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				acquireAsync(ctx, l, 10)
				waitQueued(t, l, 1)
			}
			if got := l.RefuseEarly(); got != c.want {
				t.Errorf("RefuseEarly() = %v, want %v (%+v)", got, c.want, l.Stats())
			}
		})
	}
}
