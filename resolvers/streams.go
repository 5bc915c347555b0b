package resolvers

import (
	"context"
	"sync"
	"time"

	"customergraph/customer"
	"customergraph/enum"
	"customergraph/upstream"
)

// StreamLimiter bounds live subscriptions (GraphQL streams) per client and
// overall, since each holds a goroutine and, for provisioning, polls upstream.
type StreamLimiter struct {
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
func (l *StreamLimiter) Acquire(client string) (release func(), err error) {
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
		return nil, &LimitError{Message: "the facade holds its maximum of " + itoa(l.Total) + " live subscriptions (GRAPH_MAX_STREAMS); retry later", Shared: true}
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

func (l *StreamLimiter) refusal() error {
	return &LimitError{Message: "this client already has " + itoa(l.PerClient) + " live subscriptions (GRAPH_MAX_STREAMS_PER_CLIENT): close one first"}
}

// Live reports the number of live streams (tests and metrics).
func (l *StreamLimiter) Live() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all
}

type webSocketKey struct{}

// OnWebSocket marks ctx as belonging to a WebSocket connection.
func OnWebSocket(ctx context.Context) context.Context {
	return context.WithValue(ctx, webSocketKey{}, true)
}

func onWebSocket(ctx context.Context) bool {
	v, _ := ctx.Value(webSocketKey{}).(bool)
	return v
}

type eventStreamKey struct{}

// OnEventStream marks ctx as a request answered as text/event-stream (SSE).
func OnEventStream(ctx context.Context) context.Context {
	return context.WithValue(ctx, eventStreamKey{}, true)
}

// IsStream reports whether ctx belongs to a WebSocket or an SSE request:
// those carry no HTTP request deadline of their own.
func IsStream(ctx context.Context) bool {
	sse, _ := ctx.Value(eventStreamKey{}).(bool)
	return sse || onWebSocket(ctx)
}

// IsEventStream reports whether ctx belongs to an SSE request.
func IsEventStream(ctx context.Context) bool {
	v, _ := ctx.Value(eventStreamKey{}).(bool)
	return v
}

// ClientID is who is asking (see WithClientID).
func ClientID(ctx context.Context) string { return clientID(ctx) }

type clientIDKey struct{}

// WithClientID tags ctx with who is asking: the client key's name, or the
// remote address for anonymous clients.
func WithClientID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, clientIDKey{}, id)
}

func clientID(ctx context.Context) string {
	id, _ := ctx.Value(clientIDKey{}).(string)
	return id
}

// terminal reports whether a provisioning status will change no more.
func terminal(status enum.SubscriptionStatus) bool {
	n := enum.Name(string(status))
	return n == "ACTIVE" || n == "INACTIVE"
}

// transient reports whether polling should go on after err.
func transient(err error) bool {
	k := upstream.KindOf(err)
	return k == upstream.KindUnavailable || k == upstream.KindRateLimited
}

// pollProvisioning pushes first, then each change of status, until the
// status is terminal, a non-transient error occurs, or ctx ends.
func (r *Resolver) pollProvisioning(ctx context.Context, first *customer.VasSubscription, get func(context.Context) (*customer.VasSubscription, error), out chan<- *customer.VasSubscription) {
	defer close(out)
	select {
	case out <- first:
	case <-ctx.Done():
		return
	}
	last, wait := first.Status, r.PollInterval
	for !terminal(last) {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(wait*3/2, r.PollInterval*10)
		sub, err := get(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !transient(err) {
				r.Log.Warn().Ctx(ctx).Err(err).Str("transactionId", upstream.CallerFrom(ctx).TransactionID).Msg("provisioning stream ended")
				endStreamWith(ctx, ErrorPresenter(r.Log)(ctx, err))
				return
			}
			continue
		}
		if sub.Status != last {
			select {
			case out <- sub:
			case <-ctx.Done():
				return
			}
			last = sub.Status
		}
	}
}
