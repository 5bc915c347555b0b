package redisstore

import (
	"context"
	"customergraph/limits"
	"time"

	"github.com/redis/go-redis/v9"
)

// Streams counts each client's live streams across replicas in a Redis
// counter. It is approximate by design: a replica that dies holding streams
// leaves its counts until the key expires (TTL after the client's last new
// stream), and a Redis that fails leaves each replica to its own bound.
type Streams struct {
	Client *redis.Client
	TTL    time.Duration
}

var _ limits.SharedCounter = Streams{}

const streamsPrefix = "cg:streams:"

// acquire adds one to the client's count and keeps it only within limit.
var acquire = redis.NewScript(`
local n = redis.call("INCR", KEYS[1])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
if n > tonumber(ARGV[1]) then
  redis.call("DECR", KEYS[1])
  return 0
end
return 1`)

// release takes one off, never below zero: a key that expired stays gone.
var release = redis.NewScript(`
local n = tonumber(redis.call("GET", KEYS[1]) or "0")
if n > 0 then
  redis.call("DECR", KEYS[1])
end
return 1`)

// Acquire implements limits.SharedCounter.
func (s Streams) Acquire(client string, limit int) (func(), bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	key := streamsPrefix + client
	ok, err := acquire.Run(ctx, s.Client, []string{key}, limit, s.TTL.Milliseconds()).Int()
	if err != nil {
		return nil, false, err
	}
	if ok == 0 {
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_ = release.Run(ctx, s.Client, []string{key}).Err() // lost: the key expires
	}, true, nil
}
