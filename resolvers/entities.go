package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"customergraph/customer"
	"customergraph/globalid"
	"customergraph/graph/model"
	"customergraph/upstream"
)

// The subgraph's entities (docs/federation.md): a gateway sends every
// representation of one type to one resolver, which starts all their loads
// before it waits for any, as customers(ids:) does, so N representations of
// M customers cost M profile calls. A representation that cannot be answered
// is null with its error at _entities.<index>; the others are answered.

// MaxRepresentations bounds the representations of one entity type in one
// _entities, as MaxCustomerIDs bounds customers(ids:).
const MaxRepresentations = MaxCustomerIDs

// customerEntities answers Customer representations, each given by its
// global id or its MSISDN (keys[i], read by its key's parse).
func customerEntities(ctx context.Context, keys []entityKey) ([]*model.Customer, error) {
	if len(keys) > MaxRepresentations {
		return nil, inputErrorf("_entities takes at most %d representations of Customer; %d were given", MaxRepresentations, len(keys))
	}
	fields := graphql.CollectFieldsCtx(ctx, []string{"Customer", "Node", "_Entity"})
	out := make([]*model.Customer, len(keys))
	errs := make(graphql.BatchErrorList, len(keys))
	norms := make([]string, len(keys))
	waits := make([]func() (*upstream.Profile, error), len(keys))
	for i, k := range keys {
		norm, err := k.parse(k.value)
		if err != nil {
			errs[i] = err
			continue
		}
		norms[i], waits[i] = norm, startLoads(ctx, norm, tracedPath(ctx, -1), fields)
	}
	for i, wait := range waits {
		if wait == nil {
			continue
		}
		p, err := wait()
		if notFound(err) {
			errs[i] = err
			continue
		}
		out[i] = answered(ctx, norms[i], p, err)
	}
	return out, batchErrors(errs)
}

// entityKey is a representation's key value and how to read it.
type entityKey struct {
	value string
	parse func(string) (string, error)
}

// byCustomerID reads the id key as customer(id:) does: a Customer's global
// id (or, as there, an MSISDN).
func byCustomerID(id *string) entityKey { return entityKey{deref(id), customerKey} }

// byMSISDN reads the msisdn key.
func byMSISDN(msisdn *string) entityKey { return entityKey{deref(msisdn), NormalizeMSISDN} }

// entityCustomerIDs are the key values (an id or an MSISDN, both read by
// customerKey) of the Customer representations among reps, as the
// operation's variables or literals hold them.
func entityCustomerIDs(reps []any) []string {
	var out []string
	for _, r := range reps {
		m, ok := r.(map[string]any)
		if !ok || m["__typename"] != "Customer" {
			continue
		}
		for _, key := range []string{"id", "msisdn"} {
			if s, ok := m[key].(string); ok {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// subscriptionEntities answers VasSubscription representations by global
// id, through the loader subscription(id:) uses.
func subscriptionEntities(ctx context.Context, ids []string) ([]*customer.VasSubscription, error) {
	if len(ids) > MaxRepresentations {
		return nil, inputErrorf("_entities takes at most %d representations of VasSubscription; %d were given", MaxRepresentations, len(ids))
	}
	out := make([]*customer.VasSubscription, len(ids))
	errs := make(graphql.BatchErrorList, len(ids))
	waits := make([]func() (model.Node, error), len(ids))
	for i, id := range ids {
		if typ, _, err := globalid.Parse(id); err == nil && typ != globalid.VasSubscription {
			errs[i] = inputErrorf("id is the global id of a %s, not of a VasSubscription", typ)
			continue
		}
		waits[i] = startNode(ctx, id, -1)
	}
	for i, wait := range waits {
		if wait == nil {
			continue
		}
		n, err := wait()
		if err != nil {
			errs[i] = err
			continue
		}
		out[i], _ = n.(*customer.VasSubscription)
	}
	return out, batchErrors(errs)
}

// batchErrors is errs, or nil when it holds none: gqlgen then reports each
// at its representation's index.
func batchErrors(errs graphql.BatchErrorList) error {
	for _, err := range errs {
		if err != nil {
			return errs
		}
	}
	return nil
}
