package upstream

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"customergraph/enum"
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
	Type      enum.BillingType
	Status    enum.PlanStatus
	StartDate scalar.DateTime
	EndDate   scalar.DateTime
	Balances  []ProfileBalance
}

// ProfileBalance is one {data:{…}} item of the profile plan's balance list.
type ProfileBalance struct {
	BalanceType string
	Amount      scalar.Decimal
	Currency    string
	ExpiryDate  scalar.DateTime
}

// Loans is the customer's loan status, with the eligibility the sandbox and
// later API versions carry inside it.
type Loans struct {
	Status        enum.LoanStatus `json:"status"`
	TransactionID string          `json:"transactionId"`
	Link          Link            `json:"_link"`
	Eligibility   *Eligibility    `json:"eligibility"`
}

// Eligibility says whether the customer may take a loan, and in which bands.
type Eligibility struct {
	Status enum.EligibilityStatus `json:"status"`
	Bands  []Band                 `json:"bands"`
	Link   Link                   `json:"_links"`
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
	Status      enum.AccountStatus
	Href        string
	Method      string
}

// KYC is one legal identity record.
type KYC struct {
	IDType      string
	IDNumber    string
	DateOfBirth scalar.DateTime
	Gender      enum.Gender
	FirstName   string
	LastName    string
	Href        string
}

// DeviceUsage is one entry of the profile's devices list.
type DeviceUsage struct {
	Handsets      []Handset
	PeriodUnit    enum.TimePeriodUnit
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

// profileWire is the body exactly as the spec spells it, decoded in one
// pass and then flattened (see transactions_wire.go for why).
type profileWire struct {
	CustomerID string `json:"customerId"`
	Links      Link   `json:"_links"`
	Locations  *struct {
		Data *Location `json:"data"`
		Link Link      `json:"_link"`
	} `json:"locations"`
	Plans *struct {
		Data *struct {
			Type      enum.BillingType `json:"type"`
			Status    enum.PlanStatus  `json:"status"`
			StartDate scalar.DateTime  `json:"startDate"`
			EndDate   scalar.DateTime  `json:"endDate"`
			Balance   []struct {
				Data *struct {
					BalanceType string          `json:"balanceType"`
					Amount      scalar.Decimal  `json:"amount"`
					Currency    string          `json:"currency"`
					ExpiryDate  scalar.DateTime `json:"expiryDate"`
				} `json:"data"`
			} `json:"balance"`
		} `json:"data"`
		Link Link `json:"_link"`
	} `json:"plans"`
	Loans *struct {
		Data *Loans `json:"data"`
		Link Link   `json:"_link"`
	} `json:"loans"`
	Account *[]struct {
		Data struct {
			AccountName string             `json:"accountName"`
			AccountID   string             `json:"accountId"`
			Description string             `json:"description"`
			Status      enum.AccountStatus `json:"status"`
		} `json:"data"`
		Links struct {
			Self struct {
				Href string `json:"href"`
				Type string `json:"type"`
			} `json:"self"`
		} `json:"_links"`
	} `json:"account"`
	KYC *[]struct {
		Data struct {
			IDType      string          `json:"idType"`
			IDNumber    string          `json:"idNumber"`
			DateOfBirth scalar.DateTime `json:"dateOfBirth"`
			Gender      enum.Gender     `json:"gender"`
			FirstName   string          `json:"firstName"`
			LastName    string          `json:"lastName"`
		} `json:"data"`
		Link Link `json:"_link"`
	} `json:"kyc"`
	Devices *[]struct {
		Data struct {
			Devices     []Handset `json:"devices"`
			TimePeriods struct {
				Unit  enum.TimePeriodUnit `json:"unit"`
				Value scalar.Count        `json:"value"`
			} `json:"timePeriods"`
			NumberOfIMSIs scalar.Count `json:"numberOfIMSIs"`
			NumberOfIMEIs scalar.Count `json:"numberOfIMEIs"`
			PrimaryUCID   string       `json:"primaryUCID"`
			PrimaryUSID   string       `json:"primaryUSID"`
			SecondaryUCID string       `json:"secondaryUCID"`
			SecondaryUSID string       `json:"secondaryUSID"`
		} `json:"data"`
		Links Link `json:"_links"`
	} `json:"devices"`
	Transactions *summaryWire `json:"transactions-summaries"`
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
		p.PlanHref = w.Plans.Link.Href
		if d := w.Plans.Data; d != nil {
			p.BillingPlan = &BillingPlan{Type: d.Type, Status: d.Status, StartDate: d.StartDate, EndDate: d.EndDate}
			for _, b := range d.Balance {
				if b.Data != nil {
					p.BillingPlan.Balances = append(p.BillingPlan.Balances, ProfileBalance{b.Data.BalanceType, b.Data.Amount, b.Data.Currency, b.Data.ExpiryDate})
				}
			}
		}
	}
	miss(PartPlans, p.BillingPlan == nil)
	if w.Loans != nil {
		p.Loans, p.LoansHref = w.Loans.Data, w.Loans.Link.Href
	}
	miss(PartLoans, p.Loans == nil)
	miss(PartAccounts, w.Account == nil)
	if w.Account != nil {
		p.Accounts = make([]Account, 0, len(*w.Account))
		for _, a := range *w.Account {
			p.Accounts = append(p.Accounts, Account{a.Data.AccountName, a.Data.AccountID, a.Data.Description, a.Data.Status, a.Links.Self.Href, a.Links.Self.Type})
		}
	}
	miss(PartKYC, w.KYC == nil)
	if w.KYC != nil {
		p.KYC = make([]KYC, 0, len(*w.KYC))
		for _, k := range *w.KYC {
			d := k.Data
			p.KYC = append(p.KYC, KYC{d.IDType, d.IDNumber, d.DateOfBirth, d.Gender, d.FirstName, d.LastName, k.Link.Href})
		}
	}
	miss(PartDevices, w.Devices == nil)
	if w.Devices != nil {
		p.Devices = make([]DeviceUsage, 0, len(*w.Devices))
		for _, dv := range *w.Devices {
			x := dv.Data
			p.Devices = append(p.Devices, DeviceUsage{x.Devices, x.TimePeriods.Unit, x.TimePeriods.Value, x.NumberOfIMSIs, x.NumberOfIMEIs,
				x.PrimaryUCID, x.PrimaryUSID, x.SecondaryUCID, x.SecondaryUSID, dv.Links.Href})
		}
	}
	miss(PartTransactions, w.Transactions == nil)
	p.Transactions = w.Transactions.summary()
	return p, nil
}
