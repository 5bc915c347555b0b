package upstream

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"customergraph/scalar"
)

// ProfilesService calls the Customer Profiles API v1.10.
type ProfilesService struct{ api *api }

// Propset selects how much of a profile to fetch.
type Propset string

// The two propsets of the Profiles API.
const (
	PropsetBasic Propset = "basic" // structure and links only
	PropsetFull  Propset = "full"  // every section's data (expensive upstream)
)

// Profile parts, as named by the spec; Missing lists them.
const (
	PartLocations    = "locations"
	PartPlans        = "plans"
	PartLoans        = "loans"
	PartAccounts     = "account"
	PartKYC          = "kyc"
	PartDevices      = "devices"
	PartTransactions = "transactions-summaries"
)

var fullParts = []string{PartLocations, PartPlans, PartLoans, PartAccounts, PartKYC, PartDevices, PartTransactions}

// Profile is GET /customers/{customerId}. Sections are nil when the
// customer has no such data, or when a 207 answer left them out; Missing
// tells those apart.
type Profile struct {
	CustomerID   string
	Propset      Propset
	Href         string
	LocationHref string
	PlanHref     string
	LoansHref    string

	Location     *Location
	BillingPlan  *BillingPlan
	Loans        *Loans
	Accounts     []Account
	KYC          []KYC
	Devices      []DeviceUsage
	Transactions *TransactionSummary

	// Missing lists the parts a 207 (partial) answer failed to deliver.
	Missing []string
}

// IsMissing reports whether a 207 answer failed to deliver part.
func (p *Profile) IsMissing(part string) bool { return slices.Contains(p.Missing, part) }

// Location is where the customer's MSISDN was provisioned.
type Location struct {
	Country  string `json:"country"`
	Operator string `json:"operator"`
}

// BillingPlan is the profile's view of the billing plan.
type BillingPlan struct {
	Type      string           `json:"type"`
	Status    string           `json:"status"`
	StartDate scalar.DateTime  `json:"startDate"`
	EndDate   scalar.DateTime  `json:"endDate"`
	Balances  []ProfileBalance `json:"balance"`
}

// ProfileBalance is one {data:{…}} item of the profile plan's balance list.
type ProfileBalance struct {
	BalanceType string
	Amount      scalar.Decimal
	Currency    string
	ExpiryDate  scalar.DateTime
}

// UnmarshalJSON unwraps the spec's {data:{…}} envelope.
func (b *ProfileBalance) UnmarshalJSON(raw []byte) error {
	var w struct {
		Data *struct {
			BalanceType string          `json:"balanceType"`
			Amount      scalar.Decimal  `json:"amount"`
			Currency    string          `json:"currency"`
			ExpiryDate  scalar.DateTime `json:"expiryDate"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &w); err != nil || w.Data == nil {
		return err
	}
	*b = ProfileBalance{w.Data.BalanceType, w.Data.Amount, w.Data.Currency, w.Data.ExpiryDate}
	return nil
}

// Loans is the customer's loan status, with the eligibility the sandbox and
// later API versions carry inside it.
type Loans struct {
	Status        string       `json:"status"`
	TransactionID string       `json:"transactionId"`
	Link          Link         `json:"_link"`
	Eligibility   *Eligibility `json:"eligibility"`
}

// Eligibility says whether the customer may take a loan, and in which bands.
type Eligibility struct {
	Status string `json:"status"`
	Bands  []Band `json:"bands"`
	Link   Link   `json:"_links"`
}

// Band is a loan band.
type Band struct {
	Group *int   `json:"bandGroup"`
	Name  string `json:"bandName"`
}

// Account is a reference to one of the customer's accounts.
type Account struct {
	Name        string
	ID          string
	Description string
	Status      string
	Href        string
	Method      string
}

// UnmarshalJSON flattens {data:{…}, _links:{self:{href,type}}}.
func (a *Account) UnmarshalJSON(raw []byte) error {
	var w struct {
		Data struct {
			AccountName string `json:"accountName"`
			AccountID   string `json:"accountId"`
			Description string `json:"description"`
			Status      string `json:"status"`
		} `json:"data"`
		Links struct {
			Self struct {
				Href string `json:"href"`
				Type string `json:"type"`
			} `json:"self"`
		} `json:"_links"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	*a = Account{w.Data.AccountName, w.Data.AccountID, w.Data.Description, w.Data.Status, w.Links.Self.Href, w.Links.Self.Type}
	return nil
}

// KYC is one legal identity record.
type KYC struct {
	IDType      string
	IDNumber    string
	DateOfBirth scalar.DateTime
	Gender      string
	FirstName   string
	LastName    string
	Href        string
}

// UnmarshalJSON flattens {data:{…}, _link}.
func (k *KYC) UnmarshalJSON(raw []byte) error {
	var w struct {
		Data struct {
			IDType      string          `json:"idType"`
			IDNumber    string          `json:"idNumber"`
			DateOfBirth scalar.DateTime `json:"dateOfBirth"`
			Gender      string          `json:"gender"`
			FirstName   string          `json:"firstName"`
			LastName    string          `json:"lastName"`
		} `json:"data"`
		Link Link `json:"_link"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	d := w.Data
	*k = KYC{d.IDType, d.IDNumber, d.DateOfBirth, d.Gender, d.FirstName, d.LastName, w.Link.Href}
	return nil
}

// DeviceUsage is one entry of the profile's devices list.
type DeviceUsage struct {
	Handsets      []Handset
	PeriodUnit    string
	PeriodValue   scalar.Count
	ImsiCount     scalar.Count
	ImeiCount     scalar.Count
	PrimaryUcid   string
	PrimaryUsid   string
	SecondaryUcid string
	SecondaryUsid string
	Href          string
}

// Handset is a device seen with the customer's MSISDN.
type Handset struct {
	DeviceID   string `json:"deviceId"`
	DeviceMake string `json:"deviceMake"`
	Imsi       string `json:"IMSI"`
	Imei       string `json:"IMEI"`
}

// UnmarshalJSON flattens {data:{devices, timePeriods, …}, _links}.
func (d *DeviceUsage) UnmarshalJSON(raw []byte) error {
	var w struct {
		Data struct {
			Devices     []Handset `json:"devices"`
			TimePeriods struct {
				Unit  string       `json:"unit"`
				Value scalar.Count `json:"value"`
			} `json:"timePeriods"`
			NumberOfIMSIs scalar.Count `json:"numberOfIMSIs"`
			NumberOfIMEIs scalar.Count `json:"numberOfIMEIs"`
			PrimaryUCID   string       `json:"primaryUCID"`
			PrimaryUSID   string       `json:"primaryUSID"`
			SecondaryUCID string       `json:"secondaryUCID"`
			SecondaryUSID string       `json:"secondaryUSID"`
		} `json:"data"`
		Links Link `json:"_links"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	x := w.Data
	*d = DeviceUsage{x.Devices, x.TimePeriods.Unit, x.TimePeriods.Value, x.NumberOfIMSIs, x.NumberOfIMEIs,
		x.PrimaryUCID, x.PrimaryUSID, x.SecondaryUCID, x.SecondaryUSID, w.Links.Href}
	return nil
}

// profileWire is the body exactly as the spec spells it.
type profileWire struct {
	CustomerID string `json:"customerId"`
	Links      Link   `json:"_links"`
	Locations  *struct {
		Data *Location `json:"data"`
		Link Link      `json:"_link"`
	} `json:"locations"`
	Plans *struct {
		Data *BillingPlan `json:"data"`
		Link Link         `json:"_link"`
	} `json:"plans"`
	Loans *struct {
		Data *Loans `json:"data"`
		Link Link   `json:"_link"`
	} `json:"loans"`
	Account      json.RawMessage `json:"account"`
	KYC          json.RawMessage `json:"kyc"`
	Devices      json.RawMessage `json:"devices"`
	Transactions json.RawMessage `json:"transactions-summaries"`
}

// Get fetches a customer profile. A 207 answer is a value: the failed parts
// are listed in Profile.Missing.
func (s *ProfilesService) Get(ctx context.Context, customerID string, propset Propset) (*Profile, error) {
	var w profileWire
	rep, err := s.api.do(ctx, call{
		op: "profiles.getCustomer", method: http.MethodGet, path: path("customers", customerID),
		query: url.Values{"propset": {string(propset)}}, auth: authNone, out: &w,
	})
	if err != nil {
		return nil, err
	}
	p := &Profile{CustomerID: w.CustomerID, Propset: propset, Href: w.Links.Href}
	if p.CustomerID == "" {
		p.CustomerID = customerID
	}
	partial := rep.status == http.StatusMultiStatus
	miss := func(part string, absent bool) {
		if partial && absent && propset == PropsetFull {
			p.Missing = append(p.Missing, part)
		}
	}
	if w.Locations != nil {
		p.Location, p.LocationHref = w.Locations.Data, w.Locations.Link.Href
	}
	miss(PartLocations, p.Location == nil)
	if w.Plans != nil {
		p.BillingPlan, p.PlanHref = w.Plans.Data, w.Plans.Link.Href
	}
	miss(PartPlans, p.BillingPlan == nil)
	if w.Loans != nil {
		p.Loans, p.LoansHref = w.Loans.Data, w.Loans.Link.Href
	}
	miss(PartLoans, p.Loans == nil)
	decodePart := func(part string, raw json.RawMessage, into any) error {
		miss(part, isNull(raw))
		if isNull(raw) {
			return nil
		}
		if err := json.Unmarshal(raw, into); err != nil {
			return &Error{API: APIProfiles, Op: "profiles.getCustomer", Kind: KindBadResponse, HTTPStatus: rep.status,
				Message: "the " + part + " part is not the JSON the spec describes", Err: err, TransactionID: CallerFrom(ctx).TransactionID}
		}
		return nil
	}
	if err := decodePart(PartAccounts, w.Account, &p.Accounts); err != nil {
		return nil, err
	}
	if err := decodePart(PartKYC, w.KYC, &p.KYC); err != nil {
		return nil, err
	}
	if err := decodePart(PartDevices, w.Devices, &p.Devices); err != nil {
		return nil, err
	}
	if !isNull(w.Transactions) {
		p.Transactions = &TransactionSummary{}
	}
	if err := decodePart(PartTransactions, w.Transactions, p.Transactions); err != nil {
		return nil, err
	}
	return p, nil
}
