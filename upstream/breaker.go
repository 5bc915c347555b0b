package upstream

import (
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// An API's breaker opens on what the API does, not on one customer or one
// client: over a rolling window it needs a minimum volume of calls, a
// failure ratio, and failures spread over several distinct customers. One
// customer's bad record, or one client repeating a query for it, can fail
// every one of its own calls without ever blacking the API out for others.
//
// Only upstream faults count (5xx, timeouts of the call itself, dropped
// connections, unreadable answers of writes): a 4xx, the caller's own
// cancellation or deadline, and waiting for a connection slot never do, and
// the retries of one operation count once (the breaker wraps the operation).

// failingCustomers remembers, per API, when each customer last failed.
type failingCustomers struct {
	window time.Duration
	mu     sync.Mutex
	last   map[string]time.Time
}

func (f *failingCustomers) add(customer string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil || len(f.last) > 10000 {
		f.last = map[string]time.Time{}
	}
	f.last[customer] = now
}

// count returns how many distinct customers failed within the window.
func (f *failingCustomers) count(now time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for c, t := range f.last {
		if now.Sub(t) > f.window {
			delete(f.last, c)
			continue
		}
		n++
	}
	return n
}

func (f *failingCustomers) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = nil
}

// breakerSettings builds an API's breaker from the configuration.
func breakerSettings(name string, cfg Config, failing *failingCustomers, onChange func(name string, to gobreaker.State)) gobreaker.Settings {
	return gobreaker.Settings{
		Name:         name,
		MaxRequests:  cfg.BreakerTrials,
		Interval:     cfg.BreakerWindow,
		BucketPeriod: max(cfg.BreakerWindow/10, time.Millisecond),
		Timeout:      cfg.BreakerOpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.Requests >= cfg.BreakerMinCalls &&
				float64(c.TotalFailures) >= cfg.BreakerFailureRatio*float64(c.Requests) &&
				failing.count(time.Now()) >= cfg.BreakerMinCustomers
		},
		IsSuccessful: func(err error) bool { return !countsAgainst(err) },
		IsExcluded:   excludedFromBreaker,
		OnStateChange: func(name string, _, to gobreaker.State) {
			if to == gobreaker.StateClosed {
				failing.reset()
			}
			onChange(name, to)
		},
	}
}

// countsAgainst reports whether err is the API's fault.
func countsAgainst(err error) bool {
	if err == nil {
		return false
	}
	k := KindOf(err)
	return k == KindUnavailable || k == KindOutcomeUnknown
}

// excludedFromBreaker reports whether err says nothing about the API: the
// caller gave up or ran out of its own time, or the call never left.
func excludedFromBreaker(err error) bool {
	e, ok := err.(*Error)
	return ok && (e.callerGone || e.local)
}

// customerOf is the customer a call is about: the id after /customers/ or
// /accountholders/ in its path.
func customerOf(path string) string {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(parts) >= 2 {
		return parts[1]
	}
	return ""
}
