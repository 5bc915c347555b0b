package customer

import (
	"customergraph/enum"
	"customergraph/globalid"
	"customergraph/scalar"
)

// The Customer Profiles API's sections of a customer.

// Location is where the customer's MSISDN was provisioned.
type Location struct {
	Country  *string
	Operator *string
}

// BillingPlan is the billing plan as the Profiles API reports it.
type BillingPlan struct {
	Type      enum.BillingType
	Status    enum.PlanStatus
	StartDate scalar.PartialDateTime
	EndDate   scalar.DateTime
	Balances  []ProfileBalance
}

// ProfileBalance is one balance of the profile's plan.
type ProfileBalance struct {
	BalanceType *string
	Amount      *Money
	// The spec's own example has no zone ("2019-12-31T12:00:00").
	ExpiryDate scalar.PartialDateTime
}

// Loans is the customer's latest loan and eligibility for another.
type Loans struct {
	Status        enum.LoanStatus
	TransactionID *string
	Eligibility   *LoanEligibility
}

// LoanEligibility says whether the customer may take a loan, and in which bands.
type LoanEligibility struct {
	Status enum.EligibilityStatus
	Bands  []LoanBand
}

// LoanBand is a loan band.
type LoanBand struct {
	Group *int
	Name  *string
}

// Account is one of the customer's accounts (MoMo, airtime, …).
type Account struct {
	CustomerID  string
	Name        *string
	ID          *string
	Description *string
	Status      enum.AccountStatus
}

// KycRecord is one legal identity record.
type KycRecord struct {
	IDType      *string
	IDNumber    *string
	DateOfBirth scalar.Date
	Gender      enum.Gender
	FirstName   *string
	LastName    *string
}

// DeviceUsage is the devices seen with the MSISDN over a measured period.
type DeviceUsage struct {
	Handsets      []Handset
	PeriodUnit    enum.TimePeriodUnit
	PeriodValue   scalar.Count
	ImsiCount     scalar.Count
	ImeiCount     scalar.Count
	PrimaryUcid   *string
	PrimaryUsid   *string
	SecondaryUcid *string
	SecondaryUsid *string
}

// Handset is a device seen with the customer's MSISDN.
type Handset struct {
	DeviceID   *string
	DeviceMake *string
	Imsi       *string
	Imei       *string
}

// NodeID is the account's id in the graph: unique across customers and
// kinds (the API's number is unique per kind only), nil when the API gave
// no number. Account is no Node (its id may be missing): nothing decodes it.
func (a Account) NodeID() *string {
	if a.ID == nil {
		return nil
	}
	id := globalid.Encode("Account", a.CustomerID, *a.ID, deref(a.Name))
	return &id
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
