package edge

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"customergraph/access"
	"customergraph/calltrace"
	"customergraph/loaders"
	"customergraph/request"
	"customergraph/resolvers"
)

// operations is the pipeline every operation runs through, on every
// transport, in this order:
//  1. its span (traceOperation), when tracing is on; with
//     GRAPH_AUTHZ_MODE=reject, its refusal when it selects a field the
//     client lacks the scopes for (access.DeniedIn);
//  2. its deadline: a query or mutation gets GRAPH_REQUEST_TIMEOUT from
//     here, and nowhere else (a subscription bounds itself with
//     GRAPH_STREAM_TIMEOUT); on a stream, a query answered over SSE or
//     multipart also holds a stream slot while it runs, so those are no
//     way around the stream limits;
//  3. its call trace, when asked for and allowed;
//  4. admission (admission.go);
//  5. its own dataloaders: a WebSocket carries many operations, and none
//     may see another's cached answers; and its audit record of the
//     personal fields it read, written with its last response.
//
// Its first response leaves out the deferred fields when the answer is
// sent in parts, and carries the call trace.
func (a *App) operations(tracer trace.Tracer, schema *ast.Schema) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ended := func(*graphql.Response) {}
		if tracer != nil {
			ctx, ended = traceOperation(ctx, tracer)
		}
		if a.cfg.AuthzMode == "reject" {
			if fields, needs := access.DeniedIn(graphql.GetOperationContext(ctx).Operation, request.From(ctx).Scopes()); len(fields) > 0 {
				refused := &graphql.Response{Errors: gqlerror.List{access.Rejected(fields, needs)}}
				ended(refused)
				return graphql.OneShot(refused)
			}
		}
		ctx, finished, refused := a.bound(ctx)
		if refused != nil {
			ended(refused)
			return graphql.OneShot(refused)
		}
		audit := &access.Audit{}
		ctx = access.WithAudit(ctx, audit)
		calls := a.callTrace(ctx)
		if calls != nil {
			ctx = calltrace.With(ctx, calls)
		}
		respond := admit(ctx, a.admission, a.log, func(ctx context.Context) graphql.ResponseHandler {
			return next(resolvers.WithStreamEnd(loaders.With(ctx, loaders.New(a.client, a.metrics.Batch, tracer))))
		})
		// A plain request's parts are merged into one answer (oneAnswer),
		// where gqlgen's null placeholders keep each deferred field's place.
		first := request.From(ctx).Transport != request.Plain
		op := graphql.GetOperationContext(ctx).Operation
		subscription := op != nil && op.Operation == ast.Subscription
		return func(ctx context.Context) *graphql.Response {
			resp := respond(ctx)
			if first && resp != nil && resp.HasNext != nil && *resp.HasNext {
				// Sent in parts: the deferred fields are pending, not null.
				resp.Data = withoutDeferred(graphql.GetOperationContext(ctx), schema, resp.Data)
			}
			first = false
			if calls != nil {
				a.withCallTrace(ctx, calls, resp)
			}
			ended(resp)
			last := resp == nil || resp.HasNext == nil || !*resp.HasNext
			if last || subscription {
				// Once per operation; a subscription's events, each
				// reading afresh, once per event.
				audit.Write(ctx, a.log, a.masker, graphql.GetOperationContext(ctx).OperationName)
			}
			if last {
				finished()
			}
			return resp
		}
	}
}

// bound gives a query or mutation its deadline, and one carried by SSE or
// multipart a stream slot; a refused slot is the operation's answer.
// finished ends both once the operation's last response is out.
func (a *App) bound(ctx context.Context) (_ context.Context, finished func(), refused *graphql.Response) {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation == ast.Subscription {
		return ctx, func() {}, nil
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, a.cfg.RequestTimeout)
	// An operation its client abandons ends with its request (HTTP) or
	// the operation (WebSocket), before its last response.
	context.AfterFunc(parent, cancel)
	if st := request.From(parent); st.Transport == request.EventStream {
		release, err := a.streams.Acquire(st.Identity())
		if err != nil {
			cancel()
			return parent, nil, &graphql.Response{Errors: gqlerror.List{resolvers.ErrorPresenter(a.log)(parent, err)}}
		}
		context.AfterFunc(ctx, release)
	}
	return ctx, cancel, nil
}
