package limits

import (
	"strconv"
	"sync"
)

// ShareError is a refusal because a share is used up: the client's own
// (RATE_LIMITED) or the facade's (OVERLOADED, with Retry-After).
type ShareError struct {
	Message string
	Shared  bool // the facade's total, not the client's own share
}

func (e *ShareError) Error() string { return e.Message }

// Streams bounds live subscriptions (GraphQL streams) per client and
// overall, since each holds a goroutine and, for provisioning, polls upstream.
type Streams struct {
	PerClient, Total int
	// Shared, when set, counts a client's streams across replicas, so that
	// PerClient bounds the client on all of them; Total stays per replica.
	Shared SharedCounter

	mu       sync.Mutex
	byClient map[string]int
	all      int
}

// SharedCounter counts a client's live streams across replicas.
type SharedCounter interface {
	// Acquire takes one of limit slots for client, or reports that none is
	// free; an error means the count is unknown, and only the local bound
	// applies.
	Acquire(client string, limit int) (release func(), ok bool, err error)
}

// Acquire takes a slot for client, or fails; release gives it back.
func (l *Streams) Acquire(client string) (release func(), err error) {
	l.mu.Lock()
	if l.byClient == nil {
		l.byClient = map[string]int{}
	}
	if l.byClient[client] >= l.PerClient {
		l.mu.Unlock()
		return nil, l.refusal()
	}
	if l.all >= l.Total {
		l.mu.Unlock()
		return nil, &ShareError{Message: "the facade holds its maximum of " + strconv.Itoa(l.Total) + " live subscriptions (GRAPH_MAX_STREAMS); retry later", Shared: true}
	}
	l.all++
	l.byClient[client]++
	l.mu.Unlock()
	local := func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.all--
		if l.byClient[client]--; l.byClient[client] <= 0 {
			delete(l.byClient, client)
		}
	}
	shared := func() {}
	if l.Shared != nil {
		rel, ok, err := l.Shared.Acquire(client, l.PerClient)
		switch {
		case err != nil: // unknown: the local bound is what holds
		case !ok:
			local()
			return nil, l.refusal()
		default:
			shared = rel
		}
	}
	var once sync.Once
	return func() { once.Do(func() { local(); shared() }) }, nil
}

func (l *Streams) refusal() error {
	return &ShareError{Message: "this client already has " + strconv.Itoa(l.PerClient) + " live subscriptions (GRAPH_MAX_STREAMS_PER_CLIENT): close one first"}
}

// Live reports the number of live streams (tests and metrics).
func (l *Streams) Live() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all
}
