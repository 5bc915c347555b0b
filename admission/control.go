package admission

import (
	"context"
	"math"
	"time"
)

// What the controller remembers, in windows: what the facade served is
// the highest cost it carried (by Little's law, from the operations that
// finished) over the last history windows that were not overloaded. Other
// windows neither add to it nor erase it, so neither a quiet spell nor an
// overload makes the facade forget the load it has shown it can carry.
const history = 300

// Observe records a finished operation of the given weight that took d
// from admission to its last response.
func (l *Limiter) Observe(weight int, d time.Duration) {
	weight = min(max(weight, 1), l.opts.MaxWeight)
	l.mu.Lock()
	l.win.occupancy += float64(weight) * d.Seconds()
	l.mu.Unlock()
}

// Adjust closes one control window of length window in which the Go
// scheduler's delay was delay.
//
// The window is overloaded when the delay is over TargetDelay (two windows
// in a row, or one by more than 4×) while the facade's own demand is high:
// an operation was held back, or more was in flight than the facade
// recently served (or, before it has served anything, half the limit). A
// delay with less in flight is other processes' doing (a neighbour on the
// host), and the facade does not shed for it. Overloaded, the limit falls to 90% of what was in flight,
// but never below what the facade recently served without overload:
// work it has just shown it can do is never refused. Otherwise a limit
// that held work back grows (by 10%, by 50% far under the target), and one
// that nobody reached doubles back to its ceiling: no cut outlives the
// load that caused it.
func (l *Limiter) Adjust(delay, window time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.win
	l.win = windowSums{}
	target := l.opts.TargetDelay
	prev := l.delay
	l.delay = delay
	if target <= 0 {
		l.limit = l.opts.MaxWeight
		l.peak, l.pressed = l.weight, false
		return
	}
	served := l.servedLocked()
	atLimit := l.pressed || (served > 0 && l.peak > served) || 2*l.peak >= l.limit
	over := delay > target && (prev > target || delay > 4*target)
	switch {
	case over && atLimit:
		l.limit = max(served, min(l.limit, l.peak)*9/10, 1)
	case delay > target:
		// One window over, or a neighbour's doing: hold.
	default:
		if window > 0 && w.occupancy > 0 {
			l.served[l.ns%history] = int(math.Round(w.occupancy / window.Seconds()))
			l.ns++
		}
		switch {
		case l.pressed && delay <= target/4:
			l.limit = min(l.opts.MaxWeight, l.limit+max(1, l.limit/2))
		case l.pressed:
			l.limit = min(l.opts.MaxWeight, l.limit+max(1, l.limit/10))
		default:
			l.limit = min(l.opts.MaxWeight, 2*l.limit)
		}
	}
	l.peak, l.pressed = l.weight, false
	l.wake()
}

func (l *Limiter) servedLocked() int {
	s := 0
	for _, v := range l.served[:min(l.ns, history)] {
		s = max(s, v)
	}
	return min(s, l.opts.MaxWeight)
}

// Run adjusts the limit at every tick until ctx ends, from delay's reading
// of the window. With no TargetDelay it does nothing.
func (l *Limiter) Run(ctx context.Context, tick <-chan time.Time, window time.Duration, delay func() time.Duration) {
	if l.opts.TargetDelay <= 0 {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			l.Adjust(delay(), window)
		}
	}
}
