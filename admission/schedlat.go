package admission

import (
	"math"
	"runtime/metrics"
	"time"
)

// SchedulingDelay reads the Go runtime's distribution of the time
// goroutines spent runnable before they ran. Each Sample gives a quantile
// of the delays since the previous Sample.
type SchedulingDelay struct {
	q      float64
	sample []metrics.Sample
	prev   []uint64
}

const schedLatencies = "/sched/latencies:seconds"

// NewSchedulingDelay returns a reader of the q-quantile (e.g. 0.99).
func NewSchedulingDelay(q float64) *SchedulingDelay {
	s := &SchedulingDelay{q: q, sample: []metrics.Sample{{Name: schedLatencies}}}
	s.Sample()
	return s
}

// Sample returns the q-quantile of the scheduling delays since the last
// call, or 0 when there were none.
func (s *SchedulingDelay) Sample() time.Duration {
	metrics.Read(s.sample)
	if s.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0
	}
	h := s.sample[0].Value.Float64Histogram()
	delta := make([]uint64, len(h.Counts))
	var total uint64
	for i, c := range h.Counts {
		if i < len(s.prev) {
			delta[i] = c - s.prev[i]
		} else {
			delta[i] = c
		}
		total += delta[i]
	}
	s.prev = append(s.prev[:0], h.Counts...)
	return quantile(delta, h.Buckets, total, s.q)
}

// quantile finds the bucket holding the q-quantile and returns its lower
// bound (the histogram says no more precisely where in it the value is).
func quantile(counts []uint64, bounds []float64, total uint64, q float64) time.Duration {
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= rank {
			lo := bounds[i]
			if math.IsInf(lo, -1) || lo < 0 {
				return 0
			}
			return time.Duration(lo * float64(time.Second))
		}
	}
	return time.Duration(bounds[len(bounds)-2] * float64(time.Second))
}
