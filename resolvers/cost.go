package resolvers

import (
	"customergraph/graph"
	"customergraph/graph/model"
)

// Field costs for the cost limit. A field is worth 1 plus its children; a
// field that may cost an upstream call is worth UpstreamCost more, so the
// limit bounds what one query can make the facade send upstream. The profile
// fields share one call, so they cost ProfileCost each rather than a call each.
//
// A cost function may read the length of a list argument, and nothing else
// of its arguments: package limits caches a document's cost by the lengths
// of its list variables.
const (
	UpstreamCost = 10
	ProfileCost  = 2
)

// Complexity returns the schema's cost functions.
func Complexity() graph.ComplexityRoot {
	var c graph.ComplexityRoot
	call := func(child int) int { return child + UpstreamCost }
	profile := func(child int) int { return child + ProfileCost }

	c.Query.Customers = func(child int, ids []string) int { return max(len(ids), 1) * (child + 1) }
	// A node costs at least the call that finds its object, each of nodes'
	// ids as much: nodes(ids:) is no way around the limit.
	// Each entity representation costs what customer(id:) with the same
	// selection costs: a gateway's fetch is bounded as a customers list is.
	c.SetEntitiesCost(func(child int, reps []map[string]any) int { return max(len(reps), 1) * (child + 1) })
	c.Query.Node = func(child int, _ string) int { return call(child) }
	c.Query.Nodes = func(child int, ids []string) int { return max(len(ids), 1) * call(child) }
	c.Query.Accountholder = func(child int, _ string, _ *bool) int { return call(child) }
	c.Query.SubscriptionStatus = func(child int, _ string) int { return call(child) }

	c.Customer.Location = profile
	c.Customer.BillingPlan = profile
	c.Customer.Loans = profile
	c.Customer.Accounts = profile
	c.Customer.Kyc = profile
	c.Customer.Devices = profile
	c.Customer.TransactionSummary = profile
	c.Customer.Plans = func(child int, _ *model.PlanType, _, _ *bool, _, _ *string) int { return call(child) }
	c.Customer.Plan = func(child int, _ string) int { return call(child) }
	c.Customer.Subscriptions = func(child int, _ *string) int { return call(child) }
	c.Customer.Subscription = func(child int, _, _ string) int { return call(child) }
	c.Customer.SubscriptionProviders = call
	c.Customer.Accountholder = func(child int, _ *bool) int { return call(child) }
	c.Accountholder.Validation = call

	c.Mutation.RefillAirtime = func(child int, _ model.RefillAirtimeInput) int { return call(child) }
	c.Mutation.RequestPremium = func(child int, _ model.RequestPremiumInput) int { return call(child) }
	c.Mutation.Subscribe = func(child int, _ model.SubscribeInput) int { return call(child) }
	c.Mutation.Unsubscribe = func(child int, _ model.UnsubscribeInput) int { return call(child) }
	c.Mutation.UnsubscribeAll = func(child int, _ model.UnsubscribeAllInput) int { return call(child) }
	c.Mutation.VerifyAccountholder = func(child int, _ model.VerifyAccountholderInput) int { return call(child) }
	return c
}
