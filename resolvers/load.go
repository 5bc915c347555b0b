package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"customergraph/graph/model"
	"customergraph/loaders"
	"customergraph/upstream"
)

// fullProfile loads the full profile and turns a 207 hole in part into an
// UPSTREAM_PARTIAL error for the field that needs it.
func fullProfile(ctx context.Context, id, part string) (*upstream.Profile, error) {
	p, err := loaders.For(ctx).Profile.Load(ctx, loaders.ProfileKey{ID: id, Full: true})()
	if err != nil {
		return nil, err
	}
	if p.IsMissing(part) {
		return nil, partial(ctx, upstream.APIProfiles, "profiles.getCustomer", part)
	}
	return p, nil
}

// fullProfileFields are the Customer fields that read the full profile.
var fullProfileFields = map[string]bool{
	"location": true, "billingPlan": true, "loans": true, "accounts": true, "kyc": true, "devices": true, "transactionSummary": true,
}

// needsFullProfile reports whether the Customer being resolved selects a
// field that reads the full profile (fragments, @skip and @include
// included). profileUrl then reads the same full load instead of a basic
// one: two loads would be merged only when they happen to land in the same
// dataloader window, so under load a query would make two profile calls.
func needsFullProfile(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return true
	}
	// The first ancestor with a field is the customer (a list element's
	// context has none of its own).
	for p := fc.Parent; p != nil; p = p.Parent {
		if p.Field.Field == nil {
			continue
		}
		for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), p.Field.Selections, []string{"Customer"}) {
			if fullProfileFields[f.Name] {
				return true
			}
		}
		return false
	}
	return true
}

// loadAccountholder loads the profile and, when the selection asks for
// validation, starts that call too: it needs only the id, so waiting for
// the profile first would put two upstream legs in a row.
func loadAccountholder(ctx context.Context, id string, includeOffnet bool) (*upstream.Accountholder, error) {
	l := loaders.For(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "validation" {
			l.Validation.Load(ctx, id)
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
