package edge

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/admission"
	"customergraph/codes"
	"customergraph/limits"
	"customergraph/request"
	"customergraph/resolvers"
)

// Admission has two moments, both in this file and both the one limiter's
// decision (admission/): shedEarly refuses a request before its body is
// read when no operation of any weight could start now, and admit weighs
// the operation by its computed cost once it is parsed. Both refusals are
// 503 OVERLOADED with Retry-After, with nothing sent upstream.

// admit runs a query or mutation only if the limiter takes it, weighed by
// its computed cost; a refused one is answered at once, with nothing sent
// upstream. Subscriptions have their own bounds (GRAPH_MAX_STREAMS*): a
// stream is long-lived and mostly idle, so it does not count here.
func admit(ctx context.Context, lim *admission.Limiter, log zerolog.Logger, run func(context.Context) graphql.ResponseHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return run(ctx)
	}
	weight := limits.Cost(oc)
	release, err := lim.Acquire(ctx, weight)
	if err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{resolvers.ErrorPresenter(log)(ctx, err)}})
	}
	// The operation is done when its last response is out, or when its
	// context ends, whichever comes first; one that finished tells the
	// limiter how long it held its weight.
	var once sync.Once
	done := func() { once.Do(release) }
	stop := context.AfterFunc(ctx, done)
	start := time.Now()
	next := run(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		if resp == nil || resp.HasNext == nil || !*resp.HasNext {
			if stop() {
				lim.Observe(weight, time.Since(start))
			}
			done()
		}
		return resp
	}
}

// shedEarly refuses a request before its body is read when the limiter is
// saturated: under overload, even parsing the request is work the facade
// cannot afford, and the refusal should come back at once.
func shedEarly(lim *admission.Limiter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return shedding(lim, next) }
}

func shedding(lim *admission.Limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !request.From(r.Context()).Stream() && lim.RefuseEarly() {
			writeError(w, codes.Overloaded, "the facade is at capacity and refused this request before doing any of it; retry after "+strconv.Itoa(codes.RetryAfterSeconds)+" s")
			return
		}
		next.ServeHTTP(w, r)
	})
}
