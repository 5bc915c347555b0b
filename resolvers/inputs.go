package resolvers

import (
	"context"
	"net/mail"
	"strconv"
	"strings"

	"customergraph/graph/model"
	"customergraph/loaders"
	"customergraph/scalar"
	"customergraph/upstream"
)

// Mutation inputs are checked here, before any upstream call, so a mistake
// costs the client one round trip and the upstream nothing.

func required(field, v string, max int) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return inputErrorf("%s must not be empty", field)
	}
	if len(v) > max {
		return inputErrorf("%s must be at most %d characters", field, max)
	}
	return nil
}

func positive(field string, d scalar.Decimal) error {
	s := d.String()
	if !d.Valid() || strings.HasPrefix(s, "-") || strings.Trim(s, "0.") == "" {
		return inputErrorf("%s must be a positive decimal, e.g. \"25.50\"", field)
	}
	return nil
}

func refillRequest(in model.RefillAirtimeInput) (string, upstream.RefillRequest, error) {
	id, err := NormalizeMSISDN(in.CustomerID)
	if err != nil {
		return "", upstream.RefillRequest{}, err
	}
	req := upstream.RefillRequest{RefillType: upstreamEnum(in.Type, "voucher", "voucherless")}
	switch in.Type {
	case model.RefillTypeVoucher:
		if err := required("voucherActivationCode", deref(in.VoucherActivationCode), 64); err != nil {
			return "", req, err
		}
		if in.RefillProfileID != nil || in.Amount != nil {
			return "", req, inputErrorf("refillProfileId and amount are for VOUCHERLESS refills; a VOUCHER refill takes voucherActivationCode only")
		}
		req.VoucherActivationCode = strings.TrimSpace(*in.VoucherActivationCode)
	case model.RefillTypeVoucherless:
		if err := required("refillProfileId", deref(in.RefillProfileID), 64); err != nil {
			return "", req, err
		}
		if in.Amount == nil {
			return "", req, inputErrorf("amount is required for VOUCHERLESS refills")
		}
		if err := positive("amount", *in.Amount); err != nil {
			return "", req, err
		}
		if in.VoucherActivationCode != nil {
			return "", req, inputErrorf("voucherActivationCode is for VOUCHER refills")
		}
		req.RefillProfileID, req.TransactionAmount = strings.TrimSpace(*in.RefillProfileID), in.Amount.String()
	default:
		return "", req, inputErrorf("type must be VOUCHER or VOUCHERLESS")
	}
	return id, req, nil
}

func premiumRequest(ctx context.Context, in model.RequestPremiumInput) (string, upstream.PremiumRequest, error) {
	var req upstream.PremiumRequest
	id, err := NormalizeMSISDN(in.CustomerID)
	if err != nil {
		return "", req, err
	}
	to, err := NormalizeMSISDN(in.ReceivingCustomerID)
	if err != nil {
		return "", req, inputErrorf("receivingCustomerId: %s", err)
	}
	for _, f := range []struct{ name, v string }{{"product", in.Product}, {"transactionType", in.TransactionType}} {
		if err := required(f.name, f.v, 64); err != nil {
			return "", req, err
		}
	}
	if in.Amount == nil {
		return "", req, inputErrorf("amount is required")
	}
	if err := positive("amount.amount", in.Amount.Amount); err != nil {
		return "", req, err
	}
	if err := required("amount.currency", in.Amount.Currency, 8); err != nil {
		return "", req, err
	}
	req = upstream.PremiumRequest{
		// The spec's Amount carries money as type CURRENCY with the currency as its unit.
		Amount:              upstream.AmountInput{Type: "CURRENCY", Value: in.Amount.Amount.String(), Unit: strings.TrimSpace(in.Amount.Currency)},
		TransactionID:       upstream.TransactionID(ctx),
		AccountHolderID:     deref(in.AccountHolderID),
		QuoteID:             deref(in.QuoteID),
		ReceivingCustomerID: to,
		Product:             strings.TrimSpace(in.Product),
		TransactionType:     strings.TrimSpace(in.TransactionType),
		Message:             deref(in.Message),
	}
	if len(req.Message) > 500 {
		return "", req, inputErrorf("message must be at most 500 characters")
	}
	return id, req, nil
}

func subscribeRequest(in model.SubscribeInput) (string, upstream.SubscribeRequest, error) {
	var req upstream.SubscribeRequest
	id, err := NormalizeMSISDN(in.CustomerID)
	if err != nil {
		return "", req, err
	}
	if err := checkIDs("subscriptionId", in.SubscriptionID, "providerId", in.ProviderID); err != nil {
		return "", req, err
	}
	if err := required("name", in.Name, 128); err != nil {
		return "", req, err
	}
	req = upstream.SubscribeRequest{
		SubscriptionID: in.SubscriptionID, ProviderID: in.ProviderID, Name: strings.TrimSpace(in.Name),
		Description: deref(in.Description), Length: deref(in.Length), RegistrationChannel: deref(in.RegistrationChannel),
		SendSmsNotification: in.SendSmsNotification, AutoRenew: in.AutoRenew,
	}
	if in.Type != nil {
		req.Type = upstreamEnum(*in.Type, "Adhoc", "Recurring")
	}
	if in.Status != nil {
		req.Status = upstreamEnum(*in.Status, "Active", "Inactive", "Pending")
	}
	if in.PaymentSource != nil {
		req.PaymentSource = upstreamEnum(*in.PaymentSource, "Airtime", "MobileMoney", "EVDS", "Loyalty")
	}
	if in.StartDate != nil {
		req.StartDate = in.StartDate.String()
	}
	if in.EndDate != nil {
		req.EndDate = in.EndDate.String()
	}
	if in.StartDate != nil && in.EndDate != nil {
		s, _ := in.StartDate.Time()
		e, _ := in.EndDate.Time()
		if e.Before(s) {
			return "", req, inputErrorf("endDate is before startDate")
		}
	}
	if in.BeneficiaryID != nil {
		b, err := NormalizeMSISDN(*in.BeneficiaryID)
		if err != nil {
			return "", req, inputErrorf("beneficiaryId: %s", err)
		}
		req.BeneficiaryID = b
	}
	if in.Email != nil {
		if _, err := mail.ParseAddress(*in.Email); err != nil || len(*in.Email) > 254 {
			return "", req, inputErrorf("email is not an e-mail address")
		}
		req.Email = *in.Email
	}
	return id, req, nil
}

func verifyRequest(in model.VerifyAccountholderInput) (upstream.VerifyRequest, error) {
	req := upstream.VerifyRequest{OptInVerificationPerformed: in.OptInVerificationPerformed}
	if len(in.Identities) == 0 || len(in.Identities) > 20 {
		return req, inputErrorf("identities must hold 1 to 20 entries")
	}
	for i, idn := range in.Identities {
		if err := required("identities["+itoa(i)+"].value", idn.Value, 128); err != nil {
			return req, err
		}
		req.Identity = append(req.Identity, upstream.Identity{Type: idn.Type, Value: strings.TrimSpace(idn.Value)})
	}
	if len(in.Extension) > 20 {
		return req, inputErrorf("extension must hold at most 20 entries")
	}
	for _, e := range in.Extension {
		req.Extension = append(req.Extension, upstream.Extension{ExtensionInformation: e})
	}
	return req, nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// statusKey checks the arguments that name a provisioning status.
func statusKey(customerID, subscriptionID, providerID, statusID, transactionID string) (loaders.StatusKey, error) {
	id, err := NormalizeMSISDN(customerID)
	if err != nil {
		return loaders.StatusKey{}, err
	}
	if err := checkIDs("subscriptionId", subscriptionID, "providerId", providerID); err != nil {
		return loaders.StatusKey{}, err
	}
	if statusID != "" { // empty when the API named none: the subscription is asked instead
		if err := checkIDs("statusId", statusID); err != nil {
			return loaders.StatusKey{}, err
		}
	}
	if transactionID != "" && !upstream.ValidTransactionID(transactionID) {
		return loaders.StatusKey{}, inputErrorf("the provisioning id carries a malformed transaction id")
	}
	return loaders.StatusKey{ID: id, SubscriptionID: subscriptionID, ProviderID: providerID, StatusID: statusID, TransactionID: transactionID}, nil
}
