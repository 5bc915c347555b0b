package upstream

import (
	"context"
	"net/http"
	"net/url"

	json "github.com/goccy/go-json"

	"customergraph/customer"
	"customergraph/enum"
	"customergraph/scalar"
)

// AccountholdersService calls the Accountholders API v1 (OAuth2 only; every
// operation carries the transactionId header).
type AccountholdersService struct{ api *api }

// Identity is an {idType, idValue} pair, as verify requests send it.
type Identity struct {
	Type  enum.IDType `json:"idType"`
	Value string      `json:"idValue"`
}

// The wire bodies of the Accountholders API (its data and childrenData
// definitions), decoded as sent; accountholderFrom maps them.
type accountholderWire struct {
	Identities []Identity `json:"identity"`
	Offnet     *bool      `json:"offnet"`
	FirstName  *string    `json:"firstName"`
	LastName   *string    `json:"lastName"`
	// The spec's ProfileName, EmployeeId and the rest, as sent.
	ProfileName             *string   `json:"profileName"`
	EmployeeID              *string   `json:"employeeId"`
	Fris                    []friWire `json:"fris"`
	LoyaltyPointsAccountFri *string   `json:"loyaltyPointsAccountFri"`
	AcceptedTerms           []struct {
		Version    *string         `json:"acceptedtcversion"`
		AcceptedAt scalar.DateTime `json:"dateTime"`
	} `json:"acceptedtc"`
	Status                 enum.AccountholderStatus `json:"accountholderStatus"`
	BankDomainName         *string                  `json:"bankDomainName"`
	HomeChargingRegionName *string                  `json:"homeChargingRegionName"`
	Type                   *string                  `json:"accountholderType"`
	HasParent              *bool                    `json:"hasParent"`
	LanguageCode           *struct {
		Code *string `json:"code"`
	} `json:"languageCode"`
	Children []accountholderWire `json:"child"`
}

type friWire struct {
	FriType  *string `json:"friType"`
	Currency *struct {
		Code *string `json:"code"`
	} `json:"currency"`
}

// accountholderFrom is the one place the Accountholders API's body becomes
// a customer.Accountholder.
func accountholderFrom(w accountholderWire, customerID string) customer.Accountholder {
	a := customer.Accountholder{CustomerID: customerID, Status: w.Status, Offnet: w.Offnet,
		FirstName: w.FirstName, LastName: w.LastName, ProfileName: w.ProfileName, EmployeeID: w.EmployeeID,
		LoyaltyPointsAccountFri: w.LoyaltyPointsAccountFri, BankDomainName: w.BankDomainName,
		HomeChargingRegionName: w.HomeChargingRegionName, Type: w.Type, HasParent: w.HasParent}
	for _, i := range w.Identities {
		a.Identities = append(a.Identities, customer.Identity{Type: i.Type, Value: i.Value})
	}
	for _, f := range w.Fris {
		fri := customer.Fri{Type: f.FriType}
		if f.Currency != nil {
			fri.Currency = f.Currency.Code
		}
		a.Fris = append(a.Fris, fri)
	}
	for _, t := range w.AcceptedTerms {
		a.AcceptedTerms = append(a.AcceptedTerms, customer.AcceptedTerms{Version: t.Version, AcceptedAt: t.AcceptedAt})
	}
	if w.LanguageCode != nil {
		a.LanguageCode = w.LanguageCode.Code
	}
	if w.Children != nil {
		a.Children = []customer.Accountholder{}
	}
	for _, c := range w.Children {
		// A child is looked up by nothing: it has no id of its own here.
		a.Children = append(a.Children, accountholderFrom(c, ""))
	}
	return a
}

// Get is GET /accountholders/{id}.
func (s *AccountholdersService) Get(ctx context.Context, id string, includeOffnet bool) (*customer.Accountholder, error) {
	var w struct {
		Data *accountholderWire `json:"data"`
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
			Message: "the answer carries no accountholder data", TransactionID: TransactionID(ctx)}
	}
	// CustomerID is the id looked up: validation is keyed by it.
	a := accountholderFrom(*w.Data, id)
	return &a, nil
}

// validationFrom maps an AccountholderStatus body (validate and verify
// answer one).
func validationFrom(raw []byte) (*customer.AccountholderValidation, error) {
	var w struct {
		Data *struct {
			IsValid   *bool `json:"isValid"`
			Extension []struct {
				ExtensionInformation string `json:"extensionInformation"`
			} `json:"extension"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	v := &customer.AccountholderValidation{}
	if w.Data != nil {
		v.IsValid = w.Data.IsValid
		for _, e := range w.Data.Extension {
			v.Extension = append(v.Extension, e.ExtensionInformation)
		}
	}
	return v, nil
}

func (s *AccountholdersService) status(ctx context.Context, c call) (*customer.AccountholderValidation, error) {
	c.auth, c.forwardAuthz = authTokenOnly, true
	rep, err := s.api.do(ctx, c)
	if err != nil {
		return nil, err
	}
	v, err := validationFrom(rep.body)
	if err != nil {
		return nil, &Error{API: APIAccountholders, Op: c.op, Kind: KindBadResponse, HTTPStatus: rep.status,
			Message: "the status answer is not the JSON the spec describes", Err: err, TransactionID: TransactionID(ctx)}
	}
	return v, nil
}

// Validate is GET /accountholders/{id}/validate.
func (s *AccountholdersService) Validate(ctx context.Context, id string) (*customer.AccountholderValidation, error) {
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
func (s *AccountholdersService) Verify(ctx context.Context, id string, r VerifyRequest) (*customer.AccountholderValidation, error) {
	return s.status(ctx, call{op: "accountholders.verify", method: http.MethodPost, path: path("accountholders", id, "verify"), body: r, customer: id, secrets: r.secrets()})
}
