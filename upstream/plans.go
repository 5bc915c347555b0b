package upstream

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	json "github.com/goccy/go-json"

	"customergraph/customer"
	"customergraph/enum"
	"customergraph/scalar"
)

// PlansService calls the Customer Plans API v2.1.
type PlansService struct{ api *api }

// PlansQuery holds the optional filters of GET /customers/{id}/plans. It is
// comparable (no pointers), so equal queries key one dataloader entry.
type PlansQuery struct {
	FixedLine           string
	Plan                string // VOICE, DATA or SMS
	Momo                Flag
	IncludeReservations Flag
	QuoteID             string
}

// Flag is an optional boolean query parameter.
type Flag uint8

// The values of a Flag.
const (
	FlagUnset Flag = iota
	FlagFalse
	FlagTrue
)

// FlagOf converts an optional boolean.
func FlagOf(b *bool) Flag {
	switch {
	case b == nil:
		return FlagUnset
	case *b:
		return FlagTrue
	default:
		return FlagFalse
	}
}

// The Plans API's bodies as sent; plans_map.go maps them.

type balanceWire struct {
	BalanceType *string                `json:"balanceType"`
	ExpiryDate  scalar.PartialDateTime `json:"expiryDate"`
	Category    *string                `json:"category"`
	Detail      *balanceDetailWire     `json:"balanceDetail"`
	Momo        *momoWire              `json:"momoBalanceData"`
	Wallets     []walletWire           `json:"wallets"`
}

type balanceDetailWire struct {
	Type        enum.ValueType `json:"type"`
	ActiveValue scalar.Decimal `json:"activeValue"`
	ActiveUnit  *string        `json:"activeUnit"`
	UnusedValue scalar.Decimal `json:"unusedValue"`
	UnusedUnit  *string        `json:"unusedUnit"`
}

type walletWire struct {
	Name       *string                `json:"name"`
	Status     enum.WalletStatus      `json:"status"`
	ExpiryDate scalar.PartialDateTime `json:"expiryDate"`
	Amount     *amountWire            `json:"amount"`
}

type amountWire struct {
	Type  enum.ValueType `json:"type"`
	Value scalar.Decimal `json:"value"`
	Unit  *string        `json:"unit"`
}

type momoWire struct {
	Balance              *amountWire    `json:"balance"`
	PositiveReservations *amountWire    `json:"positiveReservations"`
	NegativeReservations *amountWire    `json:"negativeReservations"`
	Loyalty              *loyaltyWire   `json:"loyaltyInformation"`
	Overdraft            *overdraftWire `json:"overdraft"`
}

type loyaltyWire struct {
	GeneratedAmount *amountWire `json:"generatedAmount"`
	ConsumedAmount  *amountWire `json:"consumedAmount"`
	NewBalance      *amountWire `json:"newBalance"`
}

type overdraftWire struct {
	Balance   *amountWire `json:"balance"`
	Limit     *amountWire `json:"limit"`
	AccessFee *amountWire `json:"accessFee"`
	Interest  *amountWire `json:"interest"`
}

// offerWire is the plan's OfferDetails (a single object in the spec).
type offerWire struct {
	OfferID         *scalar.Text    `json:"offerId"`
	OfferType       *scalar.Text    `json:"offerType"`
	StartDate       scalar.DateTime `json:"startDate"`
	ExpiryDate      scalar.DateTime `json:"expiryDate"`
	ExpiryDateValue *scalar.Text    `json:"expiryDateValue"`
}

type plansWire struct {
	Data *struct {
		Type       enum.BillingType       `json:"type"`
		Status     enum.PlanStatus        `json:"status"`
		StartDate  scalar.PartialDateTime `json:"startDate"`
		EndDate    scalar.DateTime        `json:"endDate"`
		Language   *scalar.Text           `json:"language"`
		TariffPlan *string                `json:"tariffPlan"`
		Balance    json.RawMessage        `json:"balance"`
		Offers     *offerWire             `json:"offers"`
	} `json:"data"`
}

func (s *PlansService) decodePlans(ctx context.Context, op string, rep *reply, w *plansWire) (*customer.Plans, error) {
	if w.Data == nil {
		return &customer.Plans{}, nil
	}
	var balances []balanceWire
	missing := false
	if isNull(w.Data.Balance) {
		missing = rep.status == http.StatusMultiStatus
	} else if err := json.Unmarshal(w.Data.Balance, &balances); err != nil {
		return nil, &Error{API: APIPlans, Op: op, Kind: KindBadResponse, HTTPStatus: rep.status, Message: "the balance list is not the JSON the spec describes",
			Err: err, TransactionID: TransactionID(ctx)}
	}
	return plansFrom(w, balances, missing), nil
}

// Get is GET /customers/{customerId}/plans. A 207 answer without balances
// sets Plans.BalancesMissing.
func (s *PlansService) Get(ctx context.Context, customerID string, q PlansQuery) (*customer.Plans, error) {
	v := url.Values{}
	if q.FixedLine != "" {
		v.Set("fixedLine", q.FixedLine)
	}
	if q.Plan != "" {
		v.Set("plan", q.Plan)
	}
	if q.Momo != FlagUnset {
		v.Set("momo", strconv.FormatBool(q.Momo == FlagTrue))
	}
	if q.IncludeReservations != FlagUnset {
		v.Set("includeReservations", strconv.FormatBool(q.IncludeReservations == FlagTrue))
	}
	if q.QuoteID != "" {
		v.Set("quoteid", q.QuoteID)
	}
	var w plansWire
	const op = "plans.getPlans"
	rep, err := s.api.do(ctx, call{op: op, method: http.MethodGet, path: path("customers", customerID, "plans"), query: v,
		auth: authKeyOrToken, forwardAuthz: true, out: &w})
	if err != nil {
		return nil, err
	}
	return s.decodePlans(ctx, op, rep, &w)
}

// GetProduct is GET /customers/{customerId}/plans/{productCode} (API key only).
func (s *PlansService) GetProduct(ctx context.Context, customerID, productCode string) (*customer.Plans, error) {
	var w plansWire
	const op = "plans.getPlan"
	rep, err := s.api.do(ctx, call{op: op, method: http.MethodGet, path: path("customers", customerID, "plans", productCode),
		auth: authKeyOnly, out: &w})
	if err != nil {
		return nil, err
	}
	return s.decodePlans(ctx, op, rep, &w)
}

// RefillRequest is the body of PATCH …/plans/refill.
type RefillRequest struct {
	RefillType            string `json:"refillType"` // voucher or voucherless
	VoucherActivationCode string `json:"voucherActivationCode,omitempty"`
	RefillProfileID       string `json:"refillProfileId,omitempty"`
	TransactionAmount     string `json:"transactionAmount,omitempty"`
}

// Refill is PATCH /customers/{customerId}/plans/refill. It moves money: it
// is sent once and never retried; an unknown outcome is KindOutcomeUnknown.
func (s *PlansService) Refill(ctx context.Context, customerID string, r RefillRequest) (*customer.AirtimeRefill, error) {
	var w struct {
		StatusCode    *scalar.Text `json:"statusCode"`
		StatusMessage *string      `json:"statusMessage"`
		Data          *struct {
			Amount       scalar.Decimal `json:"amount"`
			CurrencyCode *string        `json:"currencyCode"`
		} `json:"data"`
	}
	h := http.Header{}
	h.Set("sourceSystemId", s.api.cfg.SourceSystemID)
	if _, err := s.api.do(ctx, call{op: "plans.refill", method: http.MethodPatch, path: path("customers", customerID, "plans", "refill"),
		body: r, header: h, auth: authKeyOnly, out: &w, customer: customerID, secrets: []string{r.VoucherActivationCode}}); err != nil {
		return nil, err
	}
	out := &customer.AirtimeRefill{StatusCode: textPtr(w.StatusCode), StatusMessage: w.StatusMessage}
	if w.Data != nil {
		out.Amount = customer.NewMoney(w.Data.Amount, w.Data.CurrencyCode)
	}
	return out, nil
}

// PremiumRequest is the body of POST …/plans.
type PremiumRequest struct {
	Amount              AmountInput `json:"amount"`
	TransactionID       string      `json:"transactionId"`
	AccountHolderID     string      `json:"accountHolderId,omitempty"`
	QuoteID             string      `json:"quoteId,omitempty"`
	ReceivingCustomerID string      `json:"receivingCustomerId"`
	Product             string      `json:"product"`
	TransactionType     string      `json:"transactionType"`
	Message             string      `json:"message,omitempty"`
}

// AmountInput is an Amount as sent.
type AmountInput struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

// RequestPremium is POST /customers/{customerId}/plans. It is never retried.
func (s *PlansService) RequestPremium(ctx context.Context, customerID string, r PremiumRequest) (*customer.Premium, error) {
	var w struct {
		OriginReferenceID *scalar.Text `json:"originReferenceId"`
		StatusCode        *scalar.Text `json:"statusCode"`
		Data              *struct {
			Message *string      `json:"message"`
			Premium *amountWire  `json:"premium"`
			Loyalty *loyaltyWire `json:"loyaltyInformation"`
		} `json:"data"`
	}
	rep, err := s.api.do(ctx, call{op: "plans.requestPremium", method: http.MethodPost, path: path("customers", customerID, "plans"),
		body: r, auth: authKeyOrToken, out: &w, customer: customerID})
	if err != nil {
		return nil, err
	}
	out := &customer.Premium{OriginReferenceID: textPtr(w.OriginReferenceID), StatusCode: textPtr(w.StatusCode), Partial: rep.status == http.StatusMultiStatus}
	if w.Data != nil {
		out.Message, out.Premium, out.Loyalty = w.Data.Message, moneyFrom(w.Data.Premium), loyaltyFrom(w.Data.Loyalty)
	}
	return out, nil
}
