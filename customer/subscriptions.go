package customer

import (
	"customergraph/enum"
	"customergraph/scalar"
)

// VasSubscription is a value-added-service subscription.
type VasSubscription struct {
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

// SubscriptionProvider is a provider a customer can subscribe with.
type SubscriptionProvider struct {
	ID          string
	Name        *string
	Description *string
}

// PendingProvisioning is a subscription the API is still provisioning;
// StatusID is what its status is polled with.
type PendingProvisioning struct {
	CustomerID     string
	SubscriptionID string
	ProviderID     string
	StatusID       string
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
	Status         enum.UnsubscribeStatus
	Description    *string
}
