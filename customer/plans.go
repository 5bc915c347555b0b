package customer

import (
	"customergraph/enum"
	"customergraph/scalar"
)

// Plans is a customer's plan as the Plans API tells it: its balances,
// wallets and offer.
type Plans struct {
	Type       enum.BillingType
	Status     enum.PlanStatus
	StartDate  scalar.PartialDateTime
	EndDate    scalar.DateTime
	Language   *string
	TariffPlan *string
	Balances   []Balance
	Offer      *Offer
	// BalancesMissing is set when a partial (207) answer left the balances
	// out: they are then an UPSTREAM_PARTIAL error, not an empty list.
	BalancesMissing bool
}

// Balance is one balance type (airtime, data, MoMo, …).
type Balance struct {
	BalanceType *string
	ExpiryDate  scalar.PartialDateTime
	Category    *string
	Detail      *BalanceDetail
	Momo        *MomoBalance
	Wallets     []Wallet
}

// BalanceDetail aggregates a balance type.
type BalanceDetail struct {
	Type   enum.ValueType
	Active Amount
	Unused Amount
}

// Wallet is one wallet behind a balance.
type Wallet struct {
	Name       *string
	Status     enum.WalletStatus
	ExpiryDate scalar.PartialDateTime
	Amount     Amount
}

// MomoBalance is the Mobile Money part of a balance.
type MomoBalance struct {
	Balance              *Money
	PositiveReservations *Money
	NegativeReservations *Money
	Loyalty              *Loyalty
	Overdraft            *Overdraft
}

// Loyalty holds loyalty balances.
type Loyalty struct {
	GeneratedAmount Amount
	ConsumedAmount  Amount
	NewBalance      Amount
}

// Overdraft holds overdraft balances.
type Overdraft struct {
	Balance   *Money
	Limit     *Money
	AccessFee *Money
	Interest  *Money
}

// Offer is the plan's current offer.
type Offer struct {
	OfferID         *string
	OfferType       *string
	StartDate       scalar.DateTime
	ExpiryDate      scalar.DateTime
	ExpiryDateValue *string
}

// AirtimeRefill is what an airtime refill credited.
type AirtimeRefill struct {
	StatusCode    *string
	StatusMessage *string
	Amount        *Money
}

// Premium is a premium quoted for a product.
type Premium struct {
	OriginReferenceID *string
	StatusCode        *string
	Message           *string
	Premium           *Money
	Loyalty           *Loyalty
	// Partial is set on a 207 answer: what is missing is UPSTREAM_PARTIAL.
	Partial bool
}
