package upstream_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"customergraph/upstream"
)

// failFor answers 500 for the customers bad says, 200 {} for the others.
func failFor(bad func(customer string) bool) *counting {
	return &counting{count: map[string]int{}, h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/")
		if len(parts) > 4 && bad(parts[4]) {
			w.WriteHeader(500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data": {}}`))
	})}
}

func customer(i int) string { return fmt.Sprintf("2783200%04d", i) }

// TestOneFailingCustomerNeverOpensTheBreaker: a customer whose every call
// fails, queried over and over, costs only its own answers.
func TestOneFailingCustomerNeverOpensTheBreaker(t *testing.T) {
	t.Parallel()
	bad := customer(1)
	h := failFor(func(c string) bool { return c == bad })
	c, _ := newClientFor(t, h, nil)
	ctx := ctxWith("breaker-one-1")
	for range 100 {
		if _, err := c.Profiles.Get(ctx, bad, upstream.PropsetBasic); kindOf(t, err) != upstream.KindUnavailable {
			t.Fatalf("the failing customer: %v", err)
		}
	}
	if s := c.BreakerStates()["profiles"]; s != "closed" {
		t.Fatalf("breaker %s after one customer's failures", s)
	}
	for i := 2; i < 12; i++ {
		if _, err := c.Profiles.Get(ctx, customer(i), upstream.PropsetBasic); err != nil {
			t.Errorf("another customer: %v", err)
		}
	}
	if n := h.get("GET /profiles/v1/customers/" + customer(5)); n != 1 {
		t.Errorf("another customer's call reached the API %d times", n)
	}
	// Each operation counts once with its retries: 100 operations, 3 attempts each.
	if n := h.get("GET /profiles/v1/customers/" + bad); n != 300 {
		t.Errorf("%d attempts for the failing customer", n)
	}
}

// TestFailuresAcrossCustomersOpenTheBreakerAndItRecovers: an API failing
// for many customers opens its breaker (calls fail fast without reaching
// it, other APIs unaffected); after BreakerOpenFor, trial calls close it.
func TestFailuresAcrossCustomersOpenTheBreakerAndItRecovers(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	down.Store(true)
	h := failFor(func(string) bool { return down.Load() })
	c, _ := newClientFor(t, h, func(c *upstream.Config) { c.MaxRetries = 0; c.BreakerOpenFor = 50 * time.Millisecond })
	ctx := ctxWith("breaker-many-1")
	for i := range 20 {
		_, _ = c.Profiles.Get(ctx, customer(i%10), upstream.PropsetBasic)
	}
	if s := c.BreakerStates()["profiles"]; s != "open" {
		t.Fatalf("breaker %s after 20 failures over 10 customers", s)
	}
	reached := h.get("GET /profiles/v1/customers/" + customer(3))
	_, err := c.Profiles.Get(ctx, customer(3), upstream.PropsetBasic)
	if kindOf(t, err) != upstream.KindUnavailable || !strings.Contains(err.Error(), "circuit breaker open") {
		t.Errorf("open breaker: %v", err)
	}
	if n := h.get("GET /profiles/v1/customers/" + customer(3)); n != reached {
		t.Errorf("a call reached the API while its breaker was open")
	}
	if s := c.BreakerStates()["plans"]; s != "closed" {
		t.Errorf("breakers are per API: plans %s", s)
	}
	down.Store(false)
	deadline := time.Now().Add(30 * time.Second)
	for c.BreakerStates()["profiles"] != "closed" {
		if time.Now().After(deadline) {
			t.Fatalf("the breaker did not recover: %s", c.BreakerStates()["profiles"])
		}
		time.Sleep(10 * time.Millisecond) // past BreakerOpenFor, the next calls are the trials
		_, _ = c.Profiles.Get(ctx, customer(4), upstream.PropsetBasic)
	}
	if _, err := c.Profiles.Get(ctx, customer(7), upstream.PropsetBasic); err != nil {
		t.Errorf("after recovery: %v", err)
	}
}

// TestTheCallersOwnDeadlineNeverCounts: calls ended by the caller's
// deadline or cancellation say nothing about the API.
func TestTheCallersOwnDeadlineNeverCounts(t *testing.T) {
	t.Parallel()
	h := &counting{count: map[string]int{}, h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	})}
	c, _ := newClientFor(t, h, func(c *upstream.Config) { c.MaxRetries = 0 })
	for i := range 40 {
		ctx, cancel := context.WithTimeout(ctxWith("breaker-own-1"), 20*time.Millisecond)
		if i%2 == 1 {
			cancel() // or the client hung up
		}
		_, err := c.Profiles.Get(ctx, customer(i%10), upstream.PropsetBasic)
		cancel()
		if kindOf(t, err) != upstream.KindUnavailable {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if s := c.BreakerStates()["profiles"]; s != "closed" {
		t.Errorf("breaker %s after the callers' own deadlines", s)
	}
}

// TestTheFacadesOwnBoundNeverCounts: calls refused because the facade's
// own calls in flight to the API are at MTN_MAX_CONCURRENCY were never
// sent: they say nothing about the API.
func TestTheFacadesOwnBoundNeverCounts(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h := &counting{count: map[string]int{}, h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data": {}}`))
	})}
	c, _ := newClientFor(t, h, func(c *upstream.Config) {
		c.MaxConcurrency, c.QueueWait, c.Timeout = 1, time.Millisecond, 30*time.Second
	})
	held := make(chan error, 1)
	go func() {
		_, err := c.Profiles.Get(ctxWith("breaker-own-2"), customer(99), upstream.PropsetBasic)
		held <- err
	}()
	for h.get("GET /profiles/v1/customers/"+customer(99)) == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := range 40 {
		_, err := c.Profiles.Get(ctxWith("breaker-own-2"), customer(i%10), upstream.PropsetBasic)
		if kindOf(t, err) != upstream.KindOverloaded {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if s := c.BreakerStates()["profiles"]; s != "closed" {
		t.Errorf("breaker %s after the facade's own refusals", s)
	}
	if _, err := c.Profiles.Get(ctxWith("breaker-own-2"), customer(1), upstream.PropsetBasic); err != nil {
		t.Errorf("after: %v", err)
	}
}
