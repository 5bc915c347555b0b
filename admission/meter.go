package admission

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Meter measures how long one operation waited for the upstream APIs: the
// time during which at least one of its calls was in flight. What is left
// of the operation's time is the facade's own work (parsing, executing,
// marshalling, and waiting for a CPU), the signal the Limiter adapts to: a
// slow API lengthens the wait, never the facade's own time.
type Meter struct {
	mu    sync.Mutex
	spans [][2]time.Time
}

type meterKey struct{}

// WithMeter returns ctx carrying m.
func WithMeter(ctx context.Context, m *Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

// MeterFrom returns the operation's Meter, or nil.
func MeterFrom(ctx context.Context) *Meter {
	m, _ := ctx.Value(meterKey{}).(*Meter)
	return m
}

// Waited notes an upstream call that ran from start for d.
func (m *Meter) Waited(start time.Time, d time.Duration) {
	if m == nil || d <= 0 {
		return
	}
	m.mu.Lock()
	m.spans = append(m.spans, [2]time.Time{start, start.Add(d)})
	m.mu.Unlock()
}

// Own returns how much of [start, end] was not spent waiting for an API.
func (m *Meter) Own(start, end time.Time) time.Duration {
	m.mu.Lock()
	spans := slices.Clone(m.spans)
	m.mu.Unlock()
	slices.SortFunc(spans, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	own := end.Sub(start)
	cur := start // everything before cur is accounted for
	for _, s := range spans {
		from, to := later(s[0], cur), earlier(s[1], end)
		if to.After(from) {
			own -= to.Sub(from)
			cur = to
		}
	}
	return max(own, 0)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
