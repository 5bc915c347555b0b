package admission

import (
	"context"
	"time"
)

// The controller's memory, in windows that had a signal: the baseline is
// the lowest own time per unit of cost over the last history windows with
// enough completions, and what the facade served is the highest weight in
// flight over the last history windows that were not overloaded. Idle
// windows neither add to nor erase either, so a quiet spell forgets
// nothing; a long load re-measures both.
const (
	history    = 120
	minSamples = 4
)

// Observe records a finished operation of the given weight that spent own
// of its time in the facade itself (Meter.Own).
func (l *Limiter) Observe(weight int, own time.Duration) {
	weight = min(max(weight, 1), l.opts.MaxWeight)
	l.mu.Lock()
	l.win.own += own
	l.win.weight += weight
	l.win.count++
	l.mu.Unlock()
}

// Adjust closes one control window.
//
// Overload is queueing in the facade itself: the window's mean own time per
// operation exceeding what its weight cost at the baseline by more than
// TargetDelay. Then the limit falls in proportion (Gradient2's idea: the
// share of the own time that was expected, kept between 0.5 and 0.9), but
// never below what the facade recently served without queueing: work it
// has just shown it can do is never refused. Otherwise a limit that held
// someone back grows by a quarter, and one that nobody reached doubles
// towards the ceiling: no cut outlives the load that caused it.
func (l *Limiter) Adjust() {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.win
	l.win = window{}
	target := l.opts.TargetDelay
	if target <= 0 {
		l.limit = l.opts.MaxWeight
		l.peak, l.pressed = l.weight, false
		return
	}
	overloaded := false
	if w.count >= minSamples {
		perUnit := float64(w.own) / float64(w.weight)
		l.baselines[l.nb%history] = perUnit
		l.nb++
		mean := float64(w.own) / float64(w.count)
		expected := l.baseline() * float64(w.weight) / float64(w.count)
		l.queueing = time.Duration(mean - expected)
		overloaded = l.queueing > target
		if overloaded {
			g := min(max((expected+float64(target))/mean, 0.5), 0.9)
			l.limit = max(l.servedLocked(), int(float64(min(l.limit, l.peak))*g), 1)
		} else {
			l.served[l.ns%history] = l.peak
			l.ns++
		}
	} else {
		l.queueing = 0
	}
	switch {
	case overloaded:
	case l.pressed && w.count < minSamples:
		// Held back, and too few completions to tell why: hold.
	case l.pressed:
		l.limit = min(l.opts.MaxWeight, l.limit+max(1, l.limit/4))
	default:
		l.limit = min(l.opts.MaxWeight, 2*l.limit)
	}
	l.peak, l.pressed = l.weight, false
	l.wake()
}

// baseline is the lowest own time per unit of weight remembered.
func (l *Limiter) baseline() float64 {
	b := l.baselines[0]
	for _, v := range l.baselines[:min(l.nb, history)] {
		b = min(b, v)
	}
	return b
}

func (l *Limiter) servedLocked() int {
	s := 0
	for _, v := range l.served[:min(l.ns, history)] {
		s = max(s, v)
	}
	return s
}

// Run adjusts the limit at every tick until ctx ends. With no TargetDelay
// it does nothing.
func (l *Limiter) Run(ctx context.Context, tick <-chan time.Time) {
	if l.opts.TargetDelay <= 0 {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			l.Adjust()
		}
	}
}
