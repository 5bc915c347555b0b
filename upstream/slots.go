package upstream

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// slots bounds an API's calls in flight so that nobody's trouble becomes
// everyone's: reads share MTN_MAX_CONCURRENCY slots, of which one customer
// may hold MTN_MAX_CONCURRENCY_PER_CUSTOMER and one client key
// MTN_MAX_CONCURRENCY_PER_CLIENT; writes have MTN_MAX_WRITE_CONCURRENCY
// slots of their own. A customer whose API answers in seconds fills its own
// share and then fails fast, alone; the reads it piles up never refuse
// another customer's refill.
type slots struct {
	api                    string
	reads, writes          chan struct{}
	perCustomer, perClient int
	wait                   time.Duration

	mu         sync.Mutex
	byCustomer map[string]int
	byClient   map[string]int
	freed      chan struct{} // closed when a share is given back, if anyone waits
}

func newSlots(api string, cfg Config) *slots {
	return &slots{api: api, reads: make(chan struct{}, cfg.MaxConcurrency), writes: make(chan struct{}, cfg.MaxWriteConcurrency),
		perCustomer: cfg.MaxConcurrencyPerCustomer, perClient: cfg.MaxConcurrencyPerClient, wait: cfg.QueueWait,
		byCustomer: map[string]int{}, byClient: map[string]int{}}
}

// take holds a slot for one attempt, waiting at most MTN_QUEUE_WAIT in
// all for its share and for the pool.
func (s *slots) take(ctx context.Context, write bool, customer, client string) (release func(), _ *Error) {
	// Only client keys have a share: anonymous callers are told apart by
	// address, and many users behind one gateway share one.
	if !strings.HasPrefix(client, "key:") {
		client = ""
	}
	var t *time.Timer // started on the first wait
	defer func() {
		if t != nil {
			t.Stop()
		}
	}()
	timeout := func() <-chan time.Time {
		if t == nil {
			t = time.NewTimer(s.wait)
		}
		return t.C
	}
	for {
		s.mu.Lock()
		var refusal string
		switch {
		case customer != "" && s.byCustomer[customer] >= s.perCustomer:
			refusal = fmt.Sprintf("the facade already has %d calls in flight to the %s API for this customer (MTN_MAX_CONCURRENCY_PER_CUSTOMER); retry later", s.perCustomer, s.api)
		case client != "" && s.byClient[client] >= s.perClient:
			refusal = fmt.Sprintf("this client already has %d calls in flight to the %s API (MTN_MAX_CONCURRENCY_PER_CLIENT); retry later", s.perClient, s.api)
		}
		if refusal == "" {
			s.byCustomer[customer]++
			s.byClient[client]++
			s.mu.Unlock()
			break
		}
		if s.freed == nil {
			s.freed = make(chan struct{})
		}
		freed := s.freed
		s.mu.Unlock()
		select {
		case <-freed: // a share was given back: look again
		case <-timeout():
			return nil, s.refusal(refusal)
		case <-ctx.Done():
			return nil, &Error{Kind: KindUnavailable, Message: "gave up waiting for a free connection slot", Err: ctx.Err(), unsent: true, callerGone: true}
		}
	}
	unshare := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.byCustomer[customer]--; s.byCustomer[customer] <= 0 {
			delete(s.byCustomer, customer)
		}
		if s.byClient[client]--; s.byClient[client] <= 0 {
			delete(s.byClient, client)
		}
		if s.freed != nil {
			close(s.freed)
			s.freed = nil
		}
	}
	pool := s.reads
	if write {
		pool = s.writes
	}
	if err := s.acquire(ctx, pool, timeout); err != nil {
		unshare()
		return nil, err
	}
	return func() { <-pool; unshare() }, nil
}

func (s *slots) acquire(ctx context.Context, pool chan struct{}, timeout func() <-chan time.Time) *Error {
	select {
	case pool <- struct{}{}:
		return nil
	default:
	}
	select {
	case pool <- struct{}{}:
		return nil
	case <-timeout():
		return s.refusal(fmt.Sprintf("the facade already has %d calls in flight to the %s API (MTN_MAX_CONCURRENCY); retry later", cap(pool), s.api))
	case <-ctx.Done():
		return &Error{Kind: KindUnavailable, Message: "gave up waiting for a free connection slot", Err: ctx.Err(), unsent: true, callerGone: true}
	}
}

func (s *slots) refusal(msg string) *Error {
	return &Error{Kind: KindOverloaded, Message: msg, unsent: true, local: true}
}
