package upstream

import "customergraph/customer"

// The one place the Subscription Management API's bodies become customer
// types.

func subscriptionFrom(w subscriptionWire) customer.VasSubscription {
	return customer.VasSubscription{ID: string(w.ID), ProviderID: string(w.ProviderID), Name: w.Name, Description: w.Description,
		Status: w.Status, Type: w.Type, Length: w.Length, RegistrationChannel: w.RegistrationChannel,
		StartDate: w.StartDate, EndDate: w.EndDate, PaymentSource: w.PaymentSource, SendSmsNotification: w.SendSmsNotification,
		BeneficiaryID: w.BeneficiaryID, AutoRenew: w.AutoRenew, Email: w.Email}
}

// subscriptionsFrom keeps an empty list empty and an absent one absent. An
// item that does not name its provider is the one its list is keyed by.
func subscriptionsFrom(ws []subscriptionWire, providerID string) []customer.VasSubscription {
	if ws == nil {
		return nil
	}
	out := make([]customer.VasSubscription, len(ws))
	for i, w := range ws {
		out[i] = subscriptionFrom(w)
		if out[i].ProviderID == "" {
			out[i].ProviderID = providerID
		}
	}
	return out
}

// pendingFrom completes a 202 answer with what the request and its
// Location header say: the API may leave the ids out of the body.
func pendingFrom(w provisioningWire, customerID string, r SubscribeRequest, statusID string) *customer.PendingProvisioning {
	p := &customer.PendingProvisioning{CustomerID: customerID, SubscriptionID: string(w.SubscriptionID), ProviderID: string(w.ProviderID),
		StatusID: statusID, StatusCode: textPtr(w.StatusCode), Status: w.Status, Description: w.Description}
	if p.SubscriptionID == "" {
		p.SubscriptionID = r.SubscriptionID
	}
	if p.ProviderID == "" {
		p.ProviderID = r.ProviderID
	}
	return p
}

func unsubscribeFrom(w unsubscribeWire) customer.UnsubscribeResult {
	var code *string
	if w.StatusCode != "" {
		code = (*string)(&w.StatusCode)
	}
	return customer.UnsubscribeResult{SubscriptionID: string(w.SubscriptionID), ProviderID: string(w.ProviderID), StatusCode: code,
		Status: w.Status, Description: w.Description}
}
