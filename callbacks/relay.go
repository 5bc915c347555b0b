package callbacks

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/rs/zerolog"

	"customergraph/customer"
)

// Relay carries callbacks between replicas: the API posts a result to
// whichever replica its load balancer picks, while the client's stream is
// held by the replica that registered the request.
type Relay interface {
	// Save publishes where request id belongs and the token its callbacks
	// must carry, for ttl.
	Save(ctx context.Context, id string, route Route, ttl time.Duration) error
	// Lookup finds a request another replica registered.
	Lookup(ctx context.Context, id string) (Route, bool, error)
	// Publish hands a checked result to every replica; the one that holds
	// the request delivers it.
	Publish(ctx context.Context, id string, res customer.UnsubscribeResult) error
	// Subscribe calls deliver for every published result until ctx ends; it
	// returns once subscribed, with an error if that could not be confirmed
	// (delivery may still start later).
	Subscribe(ctx context.Context, deliver func(id string, res customer.UnsubscribeResult)) error
}

// Route is what another replica needs to accept a callback.
type Route struct {
	Token    string `json:"token"`
	Provider string `json:"provider"`
}

// UseRelay shares this registry's requests with other replicas through
// relay, and delivers the results they receive, until ctx ends. Without a
// relay (or while it fails) callbacks are delivered only where they land.
func (r *Registry) UseRelay(ctx context.Context, relay Relay, log zerolog.Logger) {
	r.mu.Lock()
	r.relay, r.log = relay, log
	r.mu.Unlock()
	err := relay.Subscribe(ctx, func(id string, res customer.UnsubscribeResult) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if req, ok := r.pending[id]; ok {
			r.record(req, res)
		}
	})
	if err != nil {
		log.Warn().Str("error", err.Error()).Msg("not subscribed to the other replicas' callbacks yet: results they receive for this replica's requests are lost until it answers")
	}
}

// share saves a new request's route; a failure leaves the request local.
func share(relay Relay, log zerolog.Logger, id string, route Route, ttl time.Duration) {
	if relay == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := relay.Save(ctx, id, route, ttl); err != nil {
		log.Warn().Str("error", err.Error()).Str("requestId", id).
			Msg("unsubscribe-all request not shared with the other replicas: its callbacks are delivered only if they reach this one")
	}
}

// relayed accepts a callback for a request another replica holds: the
// token is checked here, against the route that replica saved.
func (r *Registry) relayed(id, token string, res customer.UnsubscribeResult) error {
	r.mu.Lock()
	relay := r.relay
	r.mu.Unlock()
	if relay == nil {
		return ErrUnknown
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	route, ok, err := relay.Lookup(ctx, id)
	if err != nil || !ok {
		return ErrUnknown
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(route.Token)) != 1 {
		return errWrongToken
	}
	if res.ProviderID == "" {
		res.ProviderID = route.Provider
	}
	return relay.Publish(ctx, id, res)
}
