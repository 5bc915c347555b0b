package admission

import (
	"context"
	"time"
)

// Adjust closes one control window in which the scheduler's delay was
// delay. Past the target (two windows in a row, or one by more than 4×),
// the limit falls to 90% of what was actually in flight (not of a limit
// the load never reached, or the fall would take many windows). Under the
// target, a limit that held an operation back grows by 10%; under a
// quarter of it, by 50%, and it is kept at no less than twice the weight
// in flight.
func (l *Limiter) Adjust(delay time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	target := l.opts.TargetDelay
	// One window over the target is often a GC cycle or a neighbour's
	// burst, not overload: the limit falls after two in a row, or one far
	// over it.
	overloaded := delay > target && (l.delay > target || delay > 4*target)
	l.delay = delay
	if target > 0 {
		switch {
		case overloaded:
			l.limit = max(1, min(l.limit, l.peak)*9/10)
		case delay > target: // one window over: hold
		case delay <= target/4:
			// Far from overload, the limit keeps twice the load in flight
			// as headroom, and a pressed one grows by half: operations
			// piling up behind a slow API while the CPU idles are demand
			// the facade can carry, not overload.
			grown := l.limit
			if l.pressed {
				grown += max(1, l.limit/2)
			}
			l.limit = min(l.opts.MaxWeight, max(grown, 2*l.peak))
		case l.pressed:
			l.limit = min(l.opts.MaxWeight, l.limit+max(1, l.limit/10))
		}
	}
	l.peak, l.pressed = l.weight, false
	l.wake()
}

// Run adjusts the limit every interval, from delay's reading of the
// window, until ctx ends. With no TargetDelay it does nothing.
func (l *Limiter) Run(ctx context.Context, interval time.Duration, delay func() time.Duration) {
	if l.opts.TargetDelay <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.Adjust(delay())
		}
	}
}
