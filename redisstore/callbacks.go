package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"customergraph/callbacks"
	"customergraph/customer"
)

// Callbacks is the callbacks.Relay over Redis: a request's route is a key
// with the request's lifetime, and results travel on one pub/sub channel
// that every replica listens to. Pub/sub delivers at most once: a result
// published while the owning replica is cut off from Redis is lost, and
// the client's stream ends at its timeout without it.
type Callbacks struct {
	Client *redis.Client
	Log    zerolog.Logger
}

var _ callbacks.Relay = Callbacks{}

const (
	routePrefix    = "cg:callback:"
	resultsChannel = "cg:callback-results"
)

type published struct {
	ID     string                     `json:"id"`
	Result customer.UnsubscribeResult `json:"result"`
}

// Save implements callbacks.Relay.
func (c Callbacks) Save(ctx context.Context, id string, route callbacks.Route, ttl time.Duration) error {
	b, err := json.Marshal(route)
	if err != nil {
		return err
	}
	return c.Client.Set(ctx, routePrefix+id, b, ttl).Err()
}

// Lookup implements callbacks.Relay.
func (c Callbacks) Lookup(ctx context.Context, id string) (callbacks.Route, bool, error) {
	b, err := c.Client.Get(ctx, routePrefix+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return callbacks.Route{}, false, nil
	}
	if err != nil {
		return callbacks.Route{}, false, err
	}
	var r callbacks.Route
	if err := json.Unmarshal(b, &r); err != nil {
		return callbacks.Route{}, false, err
	}
	return r, true, nil
}

// Publish implements callbacks.Relay.
func (c Callbacks) Publish(ctx context.Context, id string, res customer.UnsubscribeResult) error {
	b, err := json.Marshal(published{ID: id, Result: res})
	if err != nil {
		return err
	}
	return c.Client.Publish(ctx, resultsChannel, b).Err()
}

// Subscribe implements callbacks.Relay: it returns once Redis confirmed
// the subscription (or failed to), and delivers until ctx ends; go-redis
// resubscribes by itself after a lost connection.
func (c Callbacks) Subscribe(ctx context.Context, deliver func(id string, res customer.UnsubscribeResult)) error {
	sub := c.Client.Subscribe(ctx, resultsChannel)
	confirm, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err := sub.Receive(confirm)
	cancel()
	go c.listen(ctx, sub, deliver)
	return err
}

func (c Callbacks) listen(ctx context.Context, sub *redis.PubSub, deliver func(id string, res customer.UnsubscribeResult)) {
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			var p published
			if err := json.Unmarshal([]byte(m.Payload), &p); err != nil {
				c.Log.Warn().Str("error", err.Error()).Msg("unreadable callback result on Redis, dropped")
				continue
			}
			deliver(p.ID, p.Result)
		}
	}
}
