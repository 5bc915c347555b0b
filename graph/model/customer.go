// Package model holds the GraphQL types that are not upstream bodies.
package model

import (
	"errors"

	"customergraph/customer"
	"customergraph/globalid"
	"customergraph/upstream"
)

// Customer is the root of a customer's graph: the normalized MSISDN, and
// its profile, which the resolver that answered the customer had to wait
// for anyway (to know the customer exists). The profile fields read it
// here, inline: gqlgen runs a resolver on a goroutine of its own, and
// these would only have read what is already loaded. Every other field is
// resolved through the dataloaders, so a query calls only the APIs its
// selection needs.
type Customer struct {
	ID string
	// Profile answers a part of the full profile, or why it cannot: the
	// profile call's error, or UPSTREAM_PARTIAL when a 207 left the part out.
	Profile func(part string) (*upstream.Profile, error)
}

var errNoProfile = errors.New("the customer's profile was not loaded before its fields were resolved")

func (c *Customer) profile(part string) (*upstream.Profile, error) {
	if c.Profile == nil {
		return nil, errNoProfile
	}
	return c.Profile(part)
}

// Location is the Profiles API's location section.
func (c *Customer) Location() (*customer.Location, error) {
	p, err := c.profile(upstream.PartLocations)
	if err != nil {
		return nil, err
	}
	return p.Location, nil
}

// BillingPlan is the profile's view of the billing plan.
func (c *Customer) BillingPlan() (*customer.BillingPlan, error) {
	p, err := c.profile(upstream.PartPlans)
	if err != nil {
		return nil, err
	}
	return p.BillingPlan, nil
}

// Loans is the profile's loans section.
func (c *Customer) Loans() (*customer.Loans, error) {
	p, err := c.profile(upstream.PartLoans)
	if err != nil {
		return nil, err
	}
	return p.Loans, nil
}

// Accounts is the profile's account list.
func (c *Customer) Accounts() ([]customer.Account, error) {
	p, err := c.profile(upstream.PartAccounts)
	if err != nil || p.Accounts == nil {
		return nil, err
	}
	// Each account learns whose it is, for its global id.
	out := make([]customer.Account, len(p.Accounts))
	for i, a := range p.Accounts {
		a.CustomerID = c.ID
		out[i] = a
	}
	return out, nil
}

// Kyc is the profile's KYC records.
func (c *Customer) Kyc() ([]customer.KycRecord, error) {
	p, err := c.profile(upstream.PartKYC)
	if err != nil {
		return nil, err
	}
	return p.KYC, nil
}

// Devices is the profile's devices list.
func (c *Customer) Devices() ([]customer.DeviceUsage, error) {
	p, err := c.profile(upstream.PartDevices)
	if err != nil {
		return nil, err
	}
	return p.Devices, nil
}

// TransactionSummary is the profile's transactions-summaries section.
func (c *Customer) TransactionSummary() (*customer.TransactionSummary, error) {
	p, err := c.profile(upstream.PartTransactions)
	if err != nil {
		return nil, err
	}
	return p.Transactions, nil
}

// IsEntity marks the customer as a federation entity (docs/federation.md):
// gqlgen's union of entities requires it.
func (*Customer) IsEntity() {}

// NodeID is the customer's global id.
func (c *Customer) NodeID() string { return globalid.Encode(globalid.Customer, c.ID) }

// AuditSubject is the customer the audit record of a personal read names
// (access.Subject).
func (c *Customer) AuditSubject() string { return c.ID }
