// Package redisstore holds the state replicas share through Redis when
// REDIS_URL is set: automatic persisted queries, unsubscribe-all callback
// routes and results, and per-client stream counts. Redis is never a
// dependency of a query: when it fails, a lookup is a miss, a write is
// dropped (with a warning), a count is left to each replica, and the query
// goes on.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// Open makes a client for url (redis://[user:password@]host:port/db). A
// malformed url stops the start; a Redis that does not answer yet does not
// (the client reconnects by itself, and until then the replica runs on
// its own), but the caller is told, to log it.
func Open(ctx context.Context, url string) (c *redis.Client, unreachable error, err error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// Short deadlines: a slow Redis must cost a query a few milliseconds at
	// most, then the query goes on without it.
	// No retries: a persisted query missed is asked for again by the client.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 250*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
	opts.MaxRetries = -1
	c = redis.NewClient(opts)
	return c, Ping(ctx, c), nil
}

// Ping reports whether Redis answers now, for readiness.
func Ping(ctx context.Context, c *redis.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	return c.Ping(ctx).Err()
}

// APQ is a graphql.Cache[string] of persisted query documents in Redis,
// shared by every replica. Keys expire after TTL without use.
type APQ struct {
	Client *redis.Client
	TTL    time.Duration
	Log    zerolog.Logger

	warned atomic.Int64 // unix seconds of the last warning
}

const apqPrefix = "cg:apq:"

// Get implements graphql.Cache.
func (a *APQ) Get(ctx context.Context, hash string) (string, bool) {
	doc, err := a.Client.GetEx(ctx, apqPrefix+hash, a.TTL).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			a.degraded(err)
		}
		return "", false
	}
	return doc, true
}

// Add implements graphql.Cache.
func (a *APQ) Add(ctx context.Context, hash, doc string) {
	if err := a.Client.Set(ctx, apqPrefix+hash, doc, a.TTL).Err(); err != nil {
		a.degraded(err)
	}
}

// degraded warns that Redis failed a call, at most once a minute: the log
// would otherwise hold a line per query for as long as Redis is down.
func (a *APQ) degraded(err error) {
	now := time.Now().Unix()
	if last := a.warned.Load(); now-last < 60 || !a.warned.CompareAndSwap(last, now) {
		return
	}
	a.Log.Warn().Str("error", err.Error()).Msg("Redis failed an APQ call: persisted queries are misses, and not shared, until it answers")
}
