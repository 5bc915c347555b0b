package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"customergraph/calltrace"
	"customergraph/customer"
	"customergraph/graph/model"
	"customergraph/loaders"
	"customergraph/upstream"
)

// fullProfileFields are the Customer fields that read the full profile.
var fullProfileFields = map[string]bool{
	"location": true, "billingPlan": true, "loans": true, "accounts": true, "kyc": true, "devices": true, "transactionSummary": true,
}

// loadAccountholder loads the profile and, when the selection asks for
// validation, starts that call too: it needs only the id, so waiting for
// the profile first would put two upstream legs in a row.
func loadAccountholder(ctx context.Context, id string, includeOffnet bool) (*customer.Accountholder, error) {
	l := loaders.For(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "validation" {
			vctx := ctx
			if p := tracedPath(ctx, -1); p != nil {
				vctx = calltrace.ForPaths(ctx, fieldPath(p, f.Alias).String())
			}
			l.Validation.Load(vctx, id)
			break
		}
	}
	return l.Accountholder.Load(ctx, loaders.AccountholderKey{ID: id, IncludeOffnet: includeOffnet})()
}

// plansQuery is the Plans API query of a plans field; startLoads builds
// the same one.
func plansQuery(typeArg *model.PlanType, momo, includeReservations *bool, quoteID, fixedLine *string) upstream.PlansQuery {
	q := upstream.PlansQuery{Momo: upstream.FlagOf(momo), IncludeReservations: upstream.FlagOf(includeReservations),
		QuoteID: deref(quoteID), FixedLine: deref(fixedLine)}
	if typeArg != nil {
		q.Plan = string(*typeArg)
	}
	return q
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
