package customer

import (
	"customergraph/enum"
	"customergraph/globalid"
	"customergraph/scalar"
)

// VasSubscription is a value-added-service subscription. ID is the API's
// id, unique per customer and provider only; CustomerID is the MSISDN the
// facade asked about, so the subscription's global id is unique.
type VasSubscription struct {
	CustomerID          string
	ID                  string
	ProviderID          string
	Name                *string
	Description         *string
	Status              enum.SubscriptionStatus
	Type                enum.SubscriptionType
	Length              *string
	RegistrationChannel *string
	StartDate           scalar.PartialDateTime
	EndDate             scalar.PartialDateTime
	PaymentSource       enum.PaymentSource
	SendSmsNotification *bool
	BeneficiaryID       *string
	AutoRenew           *bool
	Email               *string
}

// ProviderSubscriptions is one provider's subscriptions of a customer.
type ProviderSubscriptions struct {
	ProviderID    string
	Subscriptions []VasSubscription
	// Missing is set when a partial (207) answer left this provider's list
	// out: the list is then an UPSTREAM_PARTIAL error, not an empty list.
	Missing bool
}

// SubscriptionList is a customer's subscriptions, by provider id.
type SubscriptionList struct {
	CustomerID string
	Providers  []ProviderSubscriptions
}

// SubscriptionProvider is a provider a customer can subscribe with, as
// the API listed it for CustomerID.
type SubscriptionProvider struct {
	CustomerID  string
	ID          string
	Name        *string
	Description *string
}

// PendingProvisioning is a subscription the API is still provisioning;
// StatusID is what its status is polled with, and TransactionID the
// subscribe request's, which the spec asks each poll to send again.
type PendingProvisioning struct {
	CustomerID     string
	SubscriptionID string
	ProviderID     string
	StatusID       string
	TransactionID  string
	StatusCode     *string
	Status         enum.SubscriptionStatus
	Description    *string
}

// Subscribed is the answer of a subscribe: the subscription when it was
// created at once, or the provisioning to follow.
type Subscribed struct {
	Subscription *VasSubscription
	Pending      *PendingProvisioning
}

// UnsubscribeResult is the outcome of removing one subscription.
type UnsubscribeResult struct {
	SubscriptionID string
	ProviderID     string
	StatusCode     *string
	Status         enum.UnsubscribeStatus
	Description    *string
}

// IsEntity marks the subscription as a federation entity (its @key is the
// global id, docs/federation.md): gqlgen's union of entities requires it.
func (VasSubscription) IsEntity() {}

// NodeID is the subscription's global id.
func (s VasSubscription) NodeID() string {
	return globalid.Encode(globalid.VasSubscription, s.CustomerID, s.ProviderID, s.ID)
}

// NodeID is the provider's global id, for the customer it was listed for.
func (p SubscriptionProvider) NodeID() string {
	return globalid.Encode(globalid.SubscriptionProvider, p.CustomerID, p.ID)
}

// NodeID is the provisioning's global id: it carries what a status poll needs.
func (p PendingProvisioning) NodeID() string {
	return globalid.Encode(globalid.PendingProvisioning, p.CustomerID, p.SubscriptionID, p.ProviderID, p.StatusID, p.TransactionID)
}
