package persisted

import (
	"sync"
	"time"
)

// Quota bounds how many documents one client may register per minute, so
// that no client can fill the shared store (Redis, or the memory of every
// replica) with documents: past it, the operation still runs, and its
// document is not kept. It counts on this replica only: with n replicas a
// client may register up to n times as many.
type Quota struct {
	PerMinute int
	Now       func() time.Time // nil: time.Now

	mu     sync.Mutex
	minute int64
	counts map[string]int
}

// Allow counts a registration by client and reports whether it is within
// the quota.
func (q *Quota) Allow(client string) bool {
	now := time.Now
	if q.Now != nil {
		now = q.Now
	}
	m := now().Unix() / 60
	q.mu.Lock()
	defer q.mu.Unlock()
	if m != q.minute || q.counts == nil {
		// A new minute forgets the last: the map holds one minute's clients.
		q.minute, q.counts = m, map[string]int{}
	}
	if q.counts[client] >= q.PerMinute {
		return false
	}
	q.counts[client]++
	return true
}
