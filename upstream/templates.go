package upstream

// templates are the spec's path of each operation, relative to its API's
// root, with the parameters as the specs name them. Traces show these, not
// the paths sent: a path holds customer ids (personal data) and, in
// another request's trace, ids its client never asked about.
var templates = map[string]string{
	"profiles.getCustomer":         "/customers/{customerId}",
	"plans.getPlans":               "/customers/{customerId}/plans",
	"plans.getPlan":                "/customers/{customerId}/plans/{productCode}",
	"plans.refill":                 "/customers/{customerId}/plans/refill",
	"plans.requestPremium":         "/customers/{customerId}/plans",
	"subscriptions.list":           "/customers/{customerId}/subscriptions",
	"subscriptions.get":            "/customers/{customerId}/subscriptions/{subscriptionId}",
	"subscriptions.status":         "/customers/{customerId}/subscriptions/{subscriptionId}/status/{statusId}",
	"subscriptions.subscribe":      "/customers/{customerId}/subscriptions",
	"subscriptions.unsubscribe":    "/customers/{customerId}/subscriptions/{subscriptionId}",
	"subscriptions.unsubscribeAll": "/customers/{customerId}/subscriptions",
	"subscriptions.providers":      "/customers/{customerId}/subscriptions-providers",
	"accountholders.get":           "/accountholders/{id}",
	"accountholders.validate":      "/accountholders/{id}/validate",
	"accountholders.verify":        "/accountholders/{id}/verify",
}

// Template is the path template of op ("" for an unknown op).
func Template(op string) string { return templates[op] }
