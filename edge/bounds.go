package edge

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/resolvers"
)

// operationBounds gives a query or mutation carried by a stream (a
// WebSocket, or a POST with Accept: text/event-stream) the deadline of a
// plain request: only subscriptions live as long as GRAPH_STREAM_TIMEOUT.
// A query answered over SSE also holds a stream slot while it runs, so
// Accept: text/event-stream is no way around the stream limits.
func operationBounds(ctx context.Context, cfg Config, streams *resolvers.StreamLimiter, log zerolog.Logger) (context.Context, *graphql.Response) {
	if !resolvers.IsStream(ctx) || !graphql.HasOperationContext(ctx) {
		return ctx, nil
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation == ast.Subscription {
		return ctx, nil
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, cfg.RequestTimeout)
	// The operation's context ends with its request (SSE) or with the
	// operation itself (WebSocket); the timer goes with it.
	context.AfterFunc(parent, cancel)
	if resolvers.IsEventStream(parent) {
		release, err := streams.Acquire(resolvers.ClientID(parent))
		if err != nil {
			cancel()
			return parent, &graphql.Response{Errors: gqlerror.List{resolvers.ErrorPresenter(log)(parent, err)}}
		}
		context.AfterFunc(ctx, release)
	}
	return ctx, nil
}
