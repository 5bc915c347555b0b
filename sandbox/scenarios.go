package sandbox

import (
	"net/http"
	"strconv"
)

// Scenario customers. Each one misbehaves in exactly one documented way;
// TestDocsListScenarios keeps docs/sandbox.md's table in step with Scenarios.
const (
	HappyCustomer          = "27831000001"
	PartialProfileCustomer = "27831000002"
	PartialPlansCustomer   = "27831000003"
	NotFoundCustomer       = "27831000004"
	PlansDownCustomer      = "27831000005"
	SlowCustomer           = "27831000006"
	TruncatedCustomer      = "27831000007"
	BlockedCustomer        = "27831000008"
	AsyncCustomer          = "27831000009"
	SlowRefillCustomer     = "27831000010"
	OddDatesCustomer       = "27831000011"
	RateLimitedCustomer    = "27831000012"
	RateLimitedOnce        = "27831000013"
	HugeBodyCustomer       = "27831000014"
	SlowPlansCustomer      = "27831000015"
)

// Ordinary customers are 27832000000 … 27832000999; their data is derived
// from the id so lists and batches have something to chew on.
const (
	ordinaryPrefix = "2783200"
	OrdinaryFirst  = "27832000000"
	OrdinaryCount  = 1000
)

// Ordinary returns the n-th ordinary customer id (0 ≤ n < OrdinaryCount).
func Ordinary(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return ordinaryPrefix + s
}

// Scenario is one row of docs/sandbox.md's scenario table.
type Scenario struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Behaves string `json:"behaves"`
}

// Scenarios lists the scenario customers in the order docs/sandbox.md lists them.
var Scenarios = []Scenario{
	{HappyCustomer, "happy", "Every section filled: location, billing plan with balances, loans with eligibility, 2 accounts, 3 KYC entries, 2 devices, transaction summaries, plans with wallets/MoMo/offers, subscriptions from 2 providers, ACTIVE accountholder."},
	{PartialProfileCustomer, "partial profile", "Profiles answers 207: `plans.data` and `kyc` are null. Subscriptions list answers 207 with provider `202` null."},
	{PartialPlansCustomer, "partial plans", "Plans answers 207 with `data.balance: null`."},
	{NotFoundCustomer, "not found", "Every API answers 404 (as does any id outside this table and the ordinary range)."},
	{PlansDownCustomer, "plans down", "Every Plans operation answers 500; the other APIs are fine."},
	{SlowCustomer, "slow subscriptions", "Every Subscriptions operation answers after 3 s."},
	{TruncatedCustomer, "truncated body", "Profiles answers 200 with a JSON body cut in the middle."},
	{BlockedCustomer, "blocked accountholder", "Accountholder status BLOCKED; validate says `isValid: false`."},
	{AsyncCustomer, "async subscribe", "Subscribe answers 202 Pending with a status `Location`; the status turns Active on the third poll."},
	{SlowRefillCustomer, "slow refill", "Airtime refill applies the credit, then answers after 3 s (a client timeout leaves the outcome unknown)."},
	{OddDatesCustomer, "odd dates", "Dates as the spec examples write them: `2019-12-31T12:00:00`, `20210205T16:08:08+0530`, `2019-04-30`, `2017`."},
	{RateLimitedCustomer, "rate limited", "Every Plans operation answers 429 with `Retry-After: 1`."},
	{RateLimitedOnce, "rate limited once", "The first Plans call after a reset answers 429 with `Retry-After: 1`; later calls succeed."},
	{HugeBodyCustomer, "huge body", "Profiles answers 200 with a 30 MB body."},
	{SlowPlansCustomer, "slow plans", "Every Plans operation answers after 3 s (try `@defer` on `plans`)."},
}

func (s *Server) hookScenarios(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": Scenarios, "ordinary": map[string]any{"first": OrdinaryFirst, "last": Ordinary(OrdinaryCount - 1)}})
}
