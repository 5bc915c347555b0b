package resolvers

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// A stream that meets an error it cannot ride out ends with one last event
// carrying the error, then completes, over WebSocket and SSE alike: the one
// shape a client handles. (graphql-transport-ws's own "error" message is
// left for what the protocol gives it: an operation refused before it ran.)

type streamEnd struct {
	mu  sync.Mutex
	err *gqlerror.Error
}

type streamEndKey struct{}

// WithStreamEnd gives an operation the place its stream's last error waits.
func WithStreamEnd(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamEndKey{}, &streamEnd{})
}

// endStreamWith records the error the stream ends with.
func endStreamWith(ctx context.Context, err *gqlerror.Error) {
	if s, ok := ctx.Value(streamEndKey{}).(*streamEnd); ok {
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
	}
}

// StreamEnds is a gqlgen response middleware: when a stream's events run
// out and an error ended it, the error is sent as a final event.
func StreamEnds(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		return resp
	}
	s, ok := ctx.Value(streamEndKey{}).(*streamEnd)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		return nil
	}
	err := s.err
	s.err = nil
	return &graphql.Response{Errors: gqlerror.List{err}}
}
