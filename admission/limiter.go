// Package admission bounds the work the facade takes on at once, so that
// past its capacity it refuses the excess at once instead of queueing every
// request until all of them time out.
//
// A Limiter admits an operation when it fits under two bounds: the number
// of operations in flight (a fixed ceiling) and their summed weight (what
// their upstream calls and fields cost), whose limit adapts. A request that
// does not fit waits a few milliseconds in a FIFO queue, then is refused.
//
// The limit adapts to the Go scheduler's delay (the time goroutines spend
// runnable but not running) while the facade is at its limit: that delay
// rises when the facade has more work than CPU. A slow upstream API does
// not raise it, since a goroutine waiting for an answer is not runnable.
// Other processes on the host raise it too; so the limit falls only while
// the facade's own demand is at the limit, never below the load the facade
// recently carried, and climbs back to its ceiling as soon as demand is
// below it (control.go).
package admission

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrOverloaded is returned when an operation is refused.
var ErrOverloaded = errors.New("the facade is at capacity")

// Options are the bounds of a Limiter.
type Options struct {
	MaxRequests int           // operations in flight, at most
	MaxWeight   int           // summed weight in flight, at most: the ceiling of the adaptive limit
	MinRequests int           // below this many in flight, an operation is admitted whatever its weight
	Wait        time.Duration // longest wait in the queue before a refusal
	// TargetDelay is the scheduling delay above which the limit falls.
	// Zero keeps the limit at MaxWeight.
	TargetDelay time.Duration
}

// Limiter is safe for concurrent use.
type Limiter struct {
	opts Options

	mu       sync.Mutex
	limit    int // current bound on the summed weight
	weight   int // summed weight in flight
	requests int // operations in flight
	waiters  list.List
	// Over the current control window:
	peak    int  // highest summed weight in flight
	pressed bool // an operation had to wait or was refused
	win     windowSums
	delay   time.Duration // the scheduling delay of the last window
	// What the controller remembers (control.go):
	served [history]int
	ns     int

	refused atomic.Uint64
}

// windowSums sums the operations finished in one control window: weight
// times seconds, whose mean over the window is the cost they kept in
// flight.
type windowSums struct {
	occupancy float64
}

type waiter struct {
	weight int
	ready  chan struct{}
}

// maxWaiters bounds the queue: past it, refusal is immediate.
const maxWaiters = 256

// New returns a Limiter whose limit starts at its ceiling.
func New(o Options) *Limiter {
	o.MaxRequests = max(o.MaxRequests, 1)
	o.MaxWeight = max(o.MaxWeight, 1)
	o.MinRequests = min(max(o.MinRequests, 1), o.MaxRequests)
	return &Limiter{opts: o, limit: o.MaxWeight}
}

// Acquire admits an operation of the given weight, or refuses it with
// ErrOverloaded. release must be called once the operation is done.
func (l *Limiter) Acquire(ctx context.Context, weight int) (release func(), err error) {
	weight = min(max(weight, 1), l.opts.MaxWeight)
	l.mu.Lock()
	if l.waiters.Len() == 0 && l.fits(weight) {
		l.take(weight)
		l.mu.Unlock()
		return l.releaser(weight), nil
	}
	l.pressed = true
	if l.opts.Wait <= 0 || l.waiters.Len() >= maxWaiters || l.requests >= l.opts.MaxRequests {
		l.mu.Unlock()
		l.refused.Add(1)
		return nil, ErrOverloaded
	}
	w := &waiter{weight: weight, ready: make(chan struct{})}
	el := l.waiters.PushBack(w)
	l.mu.Unlock()

	t := time.NewTimer(l.opts.Wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return l.releaser(weight), nil
	case <-t.C:
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-w.ready: // admitted while the timer fired
		return l.releaser(weight), nil
	default:
	}
	l.waiters.Remove(el)
	l.wake() // this waiter may have been the head holding back lighter ones
	l.refused.Add(1)
	return nil, ErrOverloaded
}

func (l *Limiter) fits(weight int) bool {
	if l.requests >= l.opts.MaxRequests {
		return false
	}
	return l.requests < l.opts.MinRequests || l.weight+weight <= l.limit
}

func (l *Limiter) take(weight int) {
	l.weight += weight
	l.requests++
	l.peak = max(l.peak, l.weight)
}

func (l *Limiter) releaser(weight int) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.weight -= weight
			l.requests--
			l.wake()
		})
	}
}

// wake admits queued operations in order while the head fits.
func (l *Limiter) wake() {
	for e := l.waiters.Front(); e != nil; e = l.waiters.Front() {
		w := e.Value.(*waiter)
		if !l.fits(w.weight) {
			return
		}
		l.waiters.Remove(e)
		l.take(w.weight)
		close(w.ready)
	}
}

// Stats is a snapshot for metrics and readiness.
type Stats struct {
	Limit, Weight, Requests, Queued int
	Refused                         uint64
	Delay                           time.Duration // scheduling delay over the last window
	// Served is the weight the facade recently carried without queueing:
	// the limit's floor.
	Served int
}

// Stats returns the current state.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Limit: l.limit, Weight: l.weight, Requests: l.requests, Queued: l.waiters.Len(), Refused: l.refused.Load(), Delay: l.delay, Served: l.servedLocked()}
}

// RefuseEarly reports, and counts as a refusal, whether a new operation
// would have to wait whatever its weight: MaxRequests are in flight,
// others are already queued, or the limit is used up. The HTTP layer
// refuses such a request before it reads the body, so that shedding costs
// next to nothing.
func (l *Limiter) RefuseEarly() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.requests >= l.opts.MaxRequests || l.waiters.Len() > 0 ||
		(l.requests >= l.opts.MinRequests && l.weight >= l.limit) {
		l.pressed = true
		l.refused.Add(1)
		return true
	}
	return false
}
