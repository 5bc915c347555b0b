package customer

import (
	"customergraph/enum"
	"customergraph/scalar"
)

// Accountholder is a Mobile Money accountholder. Optional text is a
// pointer: what the API left out or sent as null is null to clients.
type Accountholder struct {
	// CustomerID is the MSISDN it was looked up by.
	CustomerID              string
	Status                  enum.AccountholderStatus
	Identities              []Identity
	Offnet                  *bool
	FirstName               *string
	LastName                *string
	ProfileName             *string
	EmployeeID              *string
	Fris                    []Fri
	LoyaltyPointsAccountFri *string
	AcceptedTerms           []AcceptedTerms
	BankDomainName          *string
	HomeChargingRegionName  *string
	Type                    *string
	HasParent               *bool
	LanguageCode            *string
	Children                []Accountholder
}

// Identity is one way the accountholder is known: an MSISDN, an id
// number, an alias.
type Identity struct {
	Type  enum.IDType
	Value string
}

// Fri is a financial resource identifier and its currency.
type Fri struct {
	Type     *string
	Currency *string
}

// AcceptedTerms is a version of the terms and conditions the holder
// accepted, and when.
type AcceptedTerms struct {
	Version    *string
	AcceptedAt scalar.DateTime
}

// AccountholderValidation says whether an accountholder is a valid Mobile
// Money customer, or whether identities given match it.
type AccountholderValidation struct {
	IsValid   *bool
	Extension []string
}

// LookedUpBy is CustomerID, or nil for a child, which the API sends with
// no id of its own.
func (a Accountholder) LookedUpBy() *string {
	if a.CustomerID == "" {
		return nil
	}
	return &a.CustomerID
}

// AuditSubject is the customer the audit record of a personal read names
// (access.Subject); a child has none, and is recorded under the
// accountholder it was read through.
func (a Accountholder) AuditSubject() string { return a.CustomerID }
