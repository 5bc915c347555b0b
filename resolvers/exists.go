package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/access"
	"customergraph/calltrace"
	"customergraph/graph/model"
	"customergraph/loaders"
	"customergraph/upstream"
)

// A customer exists when the Profiles API knows it, so customer(id) and
// customers(ids:) wait for the profile before answering. Every other load
// the customer's selection will make is started first, with the same keys
// its field resolvers use: the check then adds no leg of latency, and it
// costs one basic profile call only when nothing selected reads the
// profile.

// startLoads starts the upstream loads the selected fields of customer id
// (at path at) will make, and returns a wait for its profile.
func startLoads(ctx context.Context, id string, at ast.Path, fields []graphql.CollectedField) func() (*upstream.Profile, error) {
	l := loaders.For(ctx)
	vars := graphql.GetOperationContext(ctx).Variables
	full := false
	traced := calltrace.From(ctx) != nil
	// With a call trace, each load is noted as serving its field's path,
	// the profile as serving the customer (its existence) and the fields
	// that read it.
	profilePaths := []string{}
	if traced {
		profilePaths = append(profilePaths, at.String())
	}
	// Every alias of one customer asks for the same profile key: the one
	// the whole operation needs. Two keys (basic and full) would be one
	// call only when they fall in the same 1 ms batch, and under load they
	// do not always.
	full = l.FullProfiles(func() map[string]bool { return fullProfileIDs(ctx) })[id]
	outer := ctx
	for _, f := range fields {
		if access.Denied(ctx, f.Definition) {
			continue // answered FORBIDDEN by its directive: nothing to load
		}
		full = full || fullProfileFields[f.Name]
		ctx := outer
		if traced {
			p := fieldPath(at, f.Alias)
			ctx = calltrace.ForPaths(outer, p.String())
			if fullProfileFields[f.Name] {
				profilePaths = append(profilePaths, p.String())
			}
		}
		args := f.ArgumentMap(vars)
		switch f.Name {
		case "plans":
			var typeArg *model.PlanType
			if s, ok := args["type"].(string); ok {
				t := model.PlanType(s)
				typeArg = &t
			}
			q := plansQuery(typeArg, arg[bool](args, "momo"), arg[bool](args, "includeReservations"), arg[string](args, "quoteId"), arg[string](args, "fixedLine"))
			l.Plans.Load(ctx, loaders.PlansKey{ID: id, Query: q})
		case "plan":
			if code := deref(arg[string](args, "productCode")); checkIDs("productCode", code) == nil {
				l.Product.Load(ctx, loaders.ProductKey{ID: id, ProductCode: code})
			}
		case "subscriptions":
			// As the field's resolver: absent is every provider; given, it
			// must be a valid id (an empty one is not absent).
			provider := arg[string](args, "providerId")
			if provider == nil || checkIDs("providerId", *provider) == nil {
				l.Subscriptions.Load(ctx, loaders.SubscriptionsKey{ID: id, ProviderID: deref(provider)})
			}
		case "subscription":
			sub, provider := deref(arg[string](args, "id")), deref(arg[string](args, "providerId"))
			if checkIDs("id", sub, "providerId", provider) == nil {
				l.Subscription.Load(ctx, loaders.SubscriptionKey{ID: id, SubscriptionID: sub, ProviderID: provider})
			}
		case "subscriptionProviders":
			l.Providers.Load(ctx, id)
		case "accountholder":
			l.Accountholder.Load(ctx, loaders.AccountholderKey{ID: id, IncludeOffnet: deref(arg[bool](args, "includeOffnet"))})
			for _, sub := range graphql.CollectFields(graphql.GetOperationContext(ctx), f.Selections, []string{"Accountholder"}) {
				if sub.Name == "validation" {
					vctx := ctx
					if traced {
						vctx = calltrace.ForPaths(outer, fieldPath(fieldPath(at, f.Alias), sub.Alias).String())
					}
					l.Validation.Load(vctx, id)
				}
			}
		}
	}
	if traced {
		outer = calltrace.ForPaths(outer, profilePaths...)
	}
	return l.Profile.Load(outer, loaders.ProfileKey{ID: id, Full: full})
}

// fullProfileIDs walks the operation's customer(id:) and customers(ids:)
// fields and returns the (normalised) ids of those that select a field of
// the full profile.
func fullProfileIDs(ctx context.Context) map[string]bool {
	oc := graphql.GetOperationContext(ctx)
	out := map[string]bool{}
	if oc.Operation == nil {
		return out
	}
	for _, root := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
		var ids []string
		args := root.ArgumentMap(oc.Variables)
		switch root.Name {
		case "customer":
			ids = stringsIn([]any{args["id"]})
		case "customers":
			list, _ := args["ids"].([]any)
			ids = stringsIn(list)
		case "_entities":
			list, _ := args["representations"].([]any)
			ids = entityCustomerIDs(list)
		default:
			continue
		}
		needs := false
		for _, f := range graphql.CollectFields(oc, root.Selections, []string{"Customer", "Node", "_Entity"}) {
			needs = needs || (fullProfileFields[f.Name] && !access.Denied(ctx, f.Definition))
		}
		if !needs {
			continue
		}
		for _, s := range ids {
			if norm, err := customerKey(s); err == nil {
				out[norm] = true
			}
		}
	}
	return out
}

// stringsIn are the strings among vs.
func stringsIn(vs []any) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// tracedPath is, with a call trace, the path of the field being resolved
// (with index i, unless negative); without one, nil.
func tracedPath(ctx context.Context, i int) ast.Path {
	if calltrace.From(ctx) == nil {
		return nil
	}
	p := append(ast.Path{}, graphql.GetPath(ctx)...)
	if i >= 0 {
		p = append(p, ast.PathIndex(i))
	}
	return p
}

// fieldPath is at with one more field name, in storage of its own.
func fieldPath(at ast.Path, name string) ast.Path {
	return append(append(ast.Path{}, at...), ast.PathName(name))
}

// answered is the customer whose profile load came back (err is that load's
// error unless it was NOT_FOUND, which answers no customer): its profile
// fields read what came, or report why nothing did.
func answered(ctx context.Context, id string, p *upstream.Profile, err error) *model.Customer {
	txn := upstream.TransactionID(ctx)
	return &model.Customer{ID: id, Profile: func(part string) (*upstream.Profile, error) {
		switch {
		case err != nil:
			return nil, err
		case p.IsMissing(part):
			return nil, &PartialError{API: upstream.APIProfiles, Op: "profiles.getCustomer", Part: part, TransactionID: txn}
		}
		return p, nil
	}}
}

// arg reads an optional argument; an absent or null one is nil.
func arg[T any](args map[string]any, name string) *T {
	if v, ok := args[name].(T); ok {
		return &v
	}
	return nil
}

// notFound reports whether the profile load said the customer does not
// exist. Any other failure leaves existence open: the customer is
// answered, and each field reports what it met.
func notFound(err error) bool {
	return err != nil && upstream.KindOf(err) == upstream.KindNotFound
}

// customerFields are the fields selected on the Customer being resolved.
func customerFields(ctx context.Context) []graphql.CollectedField {
	return graphql.CollectFieldsCtx(ctx, []string{"Customer"})
}

// addErrorAt reports err at index i of the current list field, located
// at the field as gqlgen locates a resolver's own errors.
func addErrorAt(ctx context.Context, i int, err error) {
	path := append(ast.Path{}, graphql.GetPath(ctx)...)
	e := gqlerror.WrapPath(append(path, ast.PathIndex(i)), err)
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil && fc.Field.Position != nil {
		e.Locations = []gqlerror.Location{{Line: fc.Field.Position.Line, Column: fc.Field.Position.Column}}
	}
	graphql.AddError(ctx, e)
}
