package upstream

import (
	"context"
	json "github.com/goccy/go-json"
	"net/http"
	"net/url"
	"strconv"

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

// Plans is the Plans API's CustomerPlans body.
type Plans struct {
	Href       string
	Type       enum.BillingType
	Status     enum.PlanStatus
	StartDate  scalar.DateTime
	EndDate    scalar.DateTime
	Language   string
	TariffPlan string
	Balances   []Balance
	Offer      *Offer
	// BalancesMissing is set when a 207 answer failed to deliver balances.
	BalancesMissing bool
}

// Balance is a CustomerBalance.
type Balance struct {
	BalanceType string          `json:"balanceType"`
	ExpiryDate  scalar.DateTime `json:"expiryDate"`
	Category    string          `json:"category"`
	Detail      *BalanceDetail  `json:"balanceDetail"`
	Momo        *MomoBalance    `json:"momoBalanceData"`
	Wallets     []Wallet        `json:"wallets"`
}

// BalanceDetail aggregates a balance type.
type BalanceDetail struct {
	Type        enum.ValueType `json:"type"`
	ActiveValue scalar.Decimal `json:"activeValue"`
	ActiveUnit  string         `json:"activeUnit"`
	UnusedValue scalar.Decimal `json:"unusedValue"`
	UnusedUnit  *string        `json:"unusedUnit"` // a JSON null stays null
}

// Wallet is one wallet behind a balance.
type Wallet struct {
	Name       string            `json:"name"`
	Status     enum.WalletStatus `json:"status"`
	ExpiryDate scalar.DateTime   `json:"expiryDate"`
	Amount     *Amount           `json:"amount"`
}

// Amount is a value with its type and unit.
type Amount struct {
	Type  enum.ValueType `json:"type"`
	Value scalar.Decimal `json:"value"`
	Unit  string         `json:"unit"`
}

// MomoBalance is the Mobile Money part of a balance.
type MomoBalance struct {
	Balance              *Amount    `json:"balance"`
	PositiveReservations *Amount    `json:"positiveReservations"`
	NegativeReservations *Amount    `json:"negativeReservations"`
	Loyalty              *Loyalty   `json:"loyaltyInformation"`
	Overdraft            *Overdraft `json:"overdraft"`
}

// Loyalty holds loyalty balances.
type Loyalty struct {
	GeneratedAmount *Amount `json:"generatedAmount"`
	ConsumedAmount  *Amount `json:"consumedAmount"`
	NewBalance      *Amount `json:"newBalance"`
}

// Overdraft holds overdraft balances.
type Overdraft struct {
	Balance   *Amount `json:"balance"`
	Limit     *Amount `json:"limit"`
	AccessFee *Amount `json:"accessFee"`
	Interest  *Amount `json:"interest"`
}

// Offer is the plan's OfferDetails (a single object in the spec).
type Offer struct {
	OfferID         scalar.Text     `json:"offerId"`
	OfferType       scalar.Text     `json:"offerType"`
	StartDate       scalar.DateTime `json:"startDate"`
	ExpiryDate      scalar.DateTime `json:"expiryDate"`
	ExpiryDateValue scalar.Text     `json:"expiryDateValue"`
}

type plansWire struct {
	Link Link `json:"_link"`
	Data *struct {
		Type       enum.BillingType `json:"type"`
		Status     enum.PlanStatus  `json:"status"`
		StartDate  scalar.DateTime  `json:"startDate"`
		EndDate    scalar.DateTime  `json:"endDate"`
		Language   scalar.Text      `json:"language"`
		TariffPlan string           `json:"tariffPlan"`
		Balance    json.RawMessage  `json:"balance"`
		Offers     *Offer           `json:"offers"`
	} `json:"data"`
}

func (s *PlansService) decodePlans(ctx context.Context, op string, rep *reply, w *plansWire) (*Plans, error) {
	p := &Plans{Href: w.Link.Href}
	if w.Data == nil {
		return p, nil
	}
	d := w.Data
	p.Type, p.Status, p.StartDate, p.EndDate, p.Language, p.TariffPlan, p.Offer = d.Type, d.Status, d.StartDate, d.EndDate, string(d.Language), d.TariffPlan, d.Offers
	if isNull(d.Balance) {
		p.BalancesMissing = rep.status == http.StatusMultiStatus
		return p, nil
	}
	if err := json.Unmarshal(d.Balance, &p.Balances); err != nil {
		return nil, &Error{API: APIPlans, Op: op, Kind: KindBadResponse, HTTPStatus: rep.status, Message: "the balance list is not the JSON the spec describes",
			Err: err, TransactionID: CallerFrom(ctx).TransactionID}
	}
	return p, nil
}

// Get is GET /customers/{customerId}/plans. A 207 answer without balances
// sets Plans.BalancesMissing.
func (s *PlansService) Get(ctx context.Context, customerID string, q PlansQuery) (*Plans, error) {
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
func (s *PlansService) GetProduct(ctx context.Context, customerID, productCode string) (*Plans, error) {
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

// Refill is the answer of an airtime refill.
type Refill struct {
	StatusCode    string
	StatusMessage string
	Amount        scalar.Decimal
	Currency      string
	Href          string
}

// Refill is PATCH /customers/{customerId}/plans/refill. It moves money: it
// is sent once and never retried; an unknown outcome is KindOutcomeUnknown.
func (s *PlansService) Refill(ctx context.Context, customerID string, r RefillRequest) (*Refill, error) {
	var w struct {
		StatusCode    scalar.Text `json:"statusCode"`
		StatusMessage string      `json:"statusMessage"`
		Data          *struct {
			Amount       scalar.Decimal `json:"amount"`
			CurrencyCode string         `json:"currencyCode"`
		} `json:"data"`
		Link Link `json:"_link"`
	}
	h := http.Header{}
	h.Set("sourceSystemId", s.api.cfg.SourceSystemID)
	if _, err := s.api.do(ctx, call{op: "plans.refill", method: http.MethodPatch, path: path("customers", customerID, "plans", "refill"),
		body: r, header: h, auth: authKeyOnly, out: &w, customer: customerID, secrets: []string{r.VoucherActivationCode}}); err != nil {
		return nil, err
	}
	out := &Refill{StatusCode: string(w.StatusCode), StatusMessage: w.StatusMessage, Href: w.Link.Href}
	if w.Data != nil {
		out.Amount, out.Currency = w.Data.Amount, w.Data.CurrencyCode
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

// Premium is the answer of a premium request.
type Premium struct {
	OriginReferenceID string
	StatusCode        string
	Message           string
	Premium           *Amount
	Loyalty           *Loyalty
	Href              string
	// Partial is set on a 207 answer: some fields were not delivered.
	Partial bool
}

// RequestPremium is POST /customers/{customerId}/plans. It is never retried.
func (s *PlansService) RequestPremium(ctx context.Context, customerID string, r PremiumRequest) (*Premium, error) {
	var w struct {
		OriginReferenceID scalar.Text `json:"originReferenceId"`
		StatusCode        scalar.Text `json:"statusCode"`
		Data              *struct {
			Message string   `json:"message"`
			Premium *Amount  `json:"premium"`
			Loyalty *Loyalty `json:"loyaltyInformation"`
		} `json:"data"`
		Link Link `json:"link"`
	}
	rep, err := s.api.do(ctx, call{op: "plans.requestPremium", method: http.MethodPost, path: path("customers", customerID, "plans"),
		body: r, auth: authKeyOrToken, out: &w, customer: customerID})
	if err != nil {
		return nil, err
	}
	out := &Premium{OriginReferenceID: string(w.OriginReferenceID), StatusCode: string(w.StatusCode), Href: w.Link.Href, Partial: rep.status == http.StatusMultiStatus}
	if w.Data != nil {
		out.Message, out.Premium, out.Loyalty = w.Data.Message, w.Data.Premium, w.Data.Loyalty
	}
	return out, nil
}
