package resolvers

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"

	"customergraph/customer"
	"customergraph/globalid"
	"customergraph/graph/model"
	"customergraph/loaders"
)

// MaxNodeIDs bounds nodes(ids:), as MaxCustomerIDs bounds customers(ids:).
const MaxNodeIDs = MaxCustomerIDs

var errNotAnID = errors.New("id is not an id this API gave out: pass a Node's id as it was given")

// customerKey reads customer(id:): a Customer's global id, or an MSISDN in
// any common notation.
func customerKey(id string) (string, error) {
	if typ, key, err := globalid.Parse(id); err == nil {
		if typ != globalid.Customer {
			return "", inputErrorf("id is the global id of a %s, not of a Customer", typ)
		}
		return NormalizeMSISDN(key[0])
	}
	return NormalizeMSISDN(id)
}

// startNode checks id and starts the loads its object needs; the thunk
// waits for them. i is the index in nodes(ids:), or -1 for node(id:).
// Every object is read through the loaders its own field would use, so a
// node costs what the object costs elsewhere.
func startNode(ctx context.Context, id string, i int) func() (model.Node, error) {
	fail := func(err error) func() (model.Node, error) { return func() (model.Node, error) { return nil, err } }
	typ, key, err := globalid.Parse(id)
	if err != nil {
		return fail(&InputError{Message: errNotAnID.Error()})
	}
	l := loaders.For(ctx)
	switch typ {
	case globalid.Customer:
		msisdn, err := NormalizeMSISDN(key[0])
		if err != nil {
			return fail(err)
		}
		wait := startLoads(ctx, msisdn, tracedPath(ctx, i), graphql.CollectFieldsCtx(ctx, []string{"Customer", "Node"}))
		return func() (model.Node, error) {
			p, err := wait()
			if notFound(err) {
				return nil, err
			}
			return answered(ctx, msisdn, p, err), nil
		}
	case globalid.VasSubscription:
		msisdn, err := NormalizeMSISDN(key[0])
		if err == nil {
			err = checkIDs("providerId", key[1], "subscriptionId", key[2])
		}
		if err != nil {
			return fail(err)
		}
		load := l.Subscription.Load(ctx, loaders.SubscriptionKey{ID: msisdn, SubscriptionID: key[2], ProviderID: key[1]})
		return func() (model.Node, error) {
			s, err := load()
			if err != nil || s == nil {
				return nil, err
			}
			return s, nil
		}
	case globalid.SubscriptionProvider:
		msisdn, err := NormalizeMSISDN(key[0])
		if err == nil {
			err = checkIDs("providerId", key[1])
		}
		if err != nil {
			return fail(err)
		}
		load := l.Providers.Load(ctx, msisdn)
		return func() (model.Node, error) {
			ps, err := load()
			if err != nil {
				return nil, err
			}
			for i := range ps {
				if ps[i].ID == key[1] {
					return &ps[i], nil
				}
			}
			return nil, &NotFoundError{Message: "the customer no longer has provider " + key[1]}
		}
	case globalid.PendingProvisioning:
		sk, err := statusKey(key[0], key[1], key[2], key[3], key[4])
		if err != nil {
			return fail(err)
		}
		load := l.Status.Load(ctx, sk)
		return func() (model.Node, error) {
			s, err := load()
			if err != nil || s == nil {
				return nil, err
			}
			return &customer.PendingProvisioning{CustomerID: sk.ID, SubscriptionID: sk.SubscriptionID, ProviderID: sk.ProviderID,
				StatusID: sk.StatusID, TransactionID: sk.TransactionID, Status: s.Status, Description: s.Description}, nil
		}
	}
	return fail(&InputError{Message: errNotAnID.Error()})
}
