package redisstore

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"
)

// Logger routes go-redis's own log lines (a dial that failed, a pool
// problem) into the facade's JSON log as warnings, instead of the plain
// text go-redis writes to stderr by default. go-redis takes one logger for
// the whole process (redis.SetLogger): main sets it, tests leave it.
type Logger struct{ Log zerolog.Logger }

// Printf implements go-redis's logging interface.
func (l Logger) Printf(ctx context.Context, format string, v ...any) {
	l.Log.Warn().Ctx(ctx).Str("component", "redis").Msg(fmt.Sprintf(format, v...))
}
