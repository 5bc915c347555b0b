package upstream

import (
	"context"
	json "github.com/goccy/go-json"
	"net/http"
	"net/url"

	"customergraph/enum"
	"customergraph/scalar"
)

// AccountholdersService calls the Accountholders API v1 (OAuth2 only; every
// operation carries the transactionId header).
type AccountholdersService struct{ api *api }

// Identity is an {idType, idValue} pair.
type Identity struct {
	Type  enum.IDType `json:"idType"`
	Value string      `json:"idValue"`
}

// FRI is a financial resource identifier and its currency.
type FRI struct {
	Type     string
	Currency string
}

// UnmarshalJSON flattens {friType, currency:{code}}.
func (f *FRI) UnmarshalJSON(raw []byte) error {
	var w struct {
		FriType  string `json:"friType"`
		Currency struct {
			Code string `json:"code"`
		} `json:"currency"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	*f = FRI{w.FriType, w.Currency.Code}
	return nil
}

// AcceptedTerms is a version of the terms and conditions the holder accepted.
type AcceptedTerms struct {
	Version    string          `json:"acceptedtcversion"`
	AcceptedAt scalar.DateTime `json:"dateTime"`
}

// Accountholder is the MoMo accountholder profile (the spec's data and
// childrenData definitions).
type Accountholder struct {
	Identities              []Identity               `json:"identity"`
	Offnet                  *bool                    `json:"offnet"`
	FirstName               string                   `json:"firstName"`
	LastName                string                   `json:"lastName"`
	ProfileName             string                   `json:"profileName"`
	EmployeeID              string                   `json:"employeeId"`
	Fris                    []FRI                    `json:"fris"`
	LoyaltyPointsAccountFri string                   `json:"loyaltyPointsAccountFri"`
	AcceptedTerms           []AcceptedTerms          `json:"acceptedtc"`
	Status                  enum.AccountholderStatus `json:"accountholderStatus"`
	BankDomainName          string                   `json:"bankDomainName"`
	HomeChargingRegionName  string                   `json:"homeChargingRegionName"`
	Type                    string                   `json:"accountholderType"`
	HasParent               *bool                    `json:"hasParent"`
	LanguageCode            *struct {
		Code string `json:"code"`
	} `json:"languageCode"`
	Children []Accountholder `json:"child"`

	CustomerID string `json:"-"`
	StatusCode string `json:"-"`
	Href       string `json:"-"`
}

// Get is GET /accountholders/{id}.
func (s *AccountholdersService) Get(ctx context.Context, id string, includeOffnet bool) (*Accountholder, error) {
	var w struct {
		StatusCode scalar.Text    `json:"statusCode"`
		CustomerID string         `json:"customerId"`
		Data       *Accountholder `json:"data"`
		Links      Link           `json:"_links"`
	}
	q := url.Values{}
	if includeOffnet {
		q.Set("includeoffnet", "true")
	}
	rep, err := s.api.do(ctx, call{op: "accountholders.get", method: http.MethodGet, path: path("accountholders", id), query: q,
		auth: authTokenOnly, forwardAuthz: true, out: &w})
	if err != nil {
		return nil, err
	}
	if w.Data == nil {
		return nil, &Error{API: APIAccountholders, Op: "accountholders.get", Kind: KindBadResponse, HTTPStatus: rep.status,
			Message: "the answer carries no accountholder data", TransactionID: CallerFrom(ctx).TransactionID}
	}
	a := w.Data
	// CustomerID is the id looked up: validation is keyed by it.
	a.CustomerID, a.StatusCode, a.Href = id, string(w.StatusCode), w.Links.Href
	return a, nil
}

// Validation is an AccountholderStatus body.
type Validation struct {
	StatusCode string
	CustomerID string
	IsValid    *bool
	Extension  []string
	Href       string
}

func decodeValidation(raw []byte) (*Validation, error) {
	var w struct {
		StatusCode scalar.Text `json:"statusCode"`
		CustomerID string      `json:"customerId"`
		Data       *struct {
			IsValid   *bool `json:"isValid"`
			Extension []struct {
				ExtensionInformation string `json:"extensionInformation"`
			} `json:"extension"`
		} `json:"data"`
		Links Link `json:"_links"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	v := &Validation{StatusCode: string(w.StatusCode), CustomerID: w.CustomerID, Href: w.Links.Href}
	if w.Data != nil {
		v.IsValid = w.Data.IsValid
		for _, e := range w.Data.Extension {
			v.Extension = append(v.Extension, e.ExtensionInformation)
		}
	}
	return v, nil
}

func (s *AccountholdersService) status(ctx context.Context, c call) (*Validation, error) {
	c.auth, c.forwardAuthz = authTokenOnly, true
	rep, err := s.api.do(ctx, c)
	if err != nil {
		return nil, err
	}
	v, err := decodeValidation(rep.body)
	if err != nil {
		return nil, &Error{API: APIAccountholders, Op: c.op, Kind: KindBadResponse, HTTPStatus: rep.status,
			Message: "the status answer is not the JSON the spec describes", Err: err, TransactionID: CallerFrom(ctx).TransactionID}
	}
	return v, nil
}

// Validate is GET /accountholders/{id}/validate.
func (s *AccountholdersService) Validate(ctx context.Context, id string) (*Validation, error) {
	return s.status(ctx, call{op: "accountholders.validate", method: http.MethodGet, path: path("accountholders", id, "validate")})
}

// VerifyRequest is the verifyRequest body.
type VerifyRequest struct {
	OptInVerificationPerformed *bool       `json:"optInVerificationPerformed,omitempty"`
	Identity                   []Identity  `json:"identity"`
	Extension                  []Extension `json:"extension,omitempty"`
}

// secrets are the identity numbers: personal data an error must not quote.
func (r VerifyRequest) secrets() []string {
	out := make([]string, 0, len(r.Identity))
	for _, i := range r.Identity {
		out = append(out, i.Value)
	}
	return out
}

// Extension is a pass-through value.
type Extension struct {
	ExtensionInformation string `json:"extensionInformation"`
}

// Verify is POST /accountholders/{id}/verify. It changes nothing upstream,
// but as a POST it is not retried.
func (s *AccountholdersService) Verify(ctx context.Context, id string, r VerifyRequest) (*Validation, error) {
	return s.status(ctx, call{op: "accountholders.verify", method: http.MethodPost, path: path("accountholders", id, "verify"), body: r, customer: id, secrets: r.secrets()})
}
