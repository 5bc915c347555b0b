package upstream

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"customergraph/customer"
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
	CustomerID string
	Propset    Propset

	Location     *customer.Location
	BillingPlan  *customer.BillingPlan
	Loans        *customer.Loans
	Accounts     []customer.Account
	KYC          []customer.KycRecord
	Devices      []customer.DeviceUsage
	Transactions *customer.TransactionSummary

	// Missing lists the parts a 207 (partial) answer failed to deliver.
	Missing []string
}

// IsMissing reports whether a 207 answer failed to deliver part.
func (p *Profile) IsMissing(part string) bool { return slices.Contains(p.Missing, part) }

// profileWire is the body exactly as the spec spells it, decoded in one
// pass and then mapped in profiles_map.go (see transactions_wire.go for
// why one pass).
type profileWire struct {
	CustomerID string `json:"customerId"`
	Locations  *struct {
		Data *struct {
			Country  *scalar.Text `json:"country"`
			Operator *scalar.Text `json:"operator"`
		} `json:"data"`
	} `json:"locations"`
	Plans *struct {
		Data *struct {
			Type      enum.BillingType       `json:"type"`
			Status    enum.PlanStatus        `json:"status"`
			StartDate scalar.PartialDateTime `json:"startDate"`
			EndDate   scalar.DateTime        `json:"endDate"`
			Balance   []struct {
				Data *struct {
					BalanceType *scalar.Text           `json:"balanceType"`
					Amount      scalar.Decimal         `json:"amount"`
					Currency    *scalar.Text           `json:"currency"`
					ExpiryDate  scalar.PartialDateTime `json:"expiryDate"`
				} `json:"data"`
			} `json:"balance"`
		} `json:"data"`
	} `json:"plans"`
	Loans *struct {
		Data *struct {
			Status        enum.LoanStatus `json:"status"`
			TransactionID *scalar.Text    `json:"transactionId"`
			Eligibility   *struct {
				Status enum.EligibilityStatus `json:"status"`
				Bands  []struct {
					Group *int         `json:"bandGroup"`
					Name  *scalar.Text `json:"bandName"`
				} `json:"bands"`
			} `json:"eligibility"`
		} `json:"data"`
	} `json:"loans"`
	Account *[]struct {
		Data struct {
			AccountName *scalar.Text       `json:"accountName"`
			AccountID   *scalar.Text       `json:"accountId"`
			Description *scalar.Text       `json:"description"`
			Status      enum.AccountStatus `json:"status"`
		} `json:"data"`
	} `json:"account"`
	KYC *[]struct {
		Data struct {
			IDType      *scalar.Text `json:"idType"`
			IDNumber    *scalar.Text `json:"idNumber"`
			DateOfBirth scalar.Date  `json:"dateOfBirth"`
			Gender      enum.Gender  `json:"gender"`
			FirstName   *scalar.Text `json:"firstName"`
			LastName    *scalar.Text `json:"lastName"`
		} `json:"data"`
	} `json:"kyc"`
	Devices *[]struct {
		Data struct {
			Devices []struct {
				DeviceID   *scalar.Text `json:"deviceId"`
				DeviceMake *scalar.Text `json:"deviceMake"`
				Imsi       *scalar.Text `json:"IMSI"`
				Imei       *scalar.Text `json:"IMEI"`
			} `json:"devices"`
			TimePeriods struct {
				Unit  enum.TimePeriodUnit `json:"unit"`
				Value scalar.Count        `json:"value"`
			} `json:"timePeriods"`
			NumberOfIMSIs scalar.Count `json:"numberOfIMSIs"`
			NumberOfIMEIs scalar.Count `json:"numberOfIMEIs"`
			PrimaryUCID   *scalar.Text `json:"primaryUCID"`
			PrimaryUSID   *scalar.Text `json:"primaryUSID"`
			SecondaryUCID *scalar.Text `json:"secondaryUCID"`
			SecondaryUSID *scalar.Text `json:"secondaryUSID"`
		} `json:"data"`
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
	return profileFrom(&w, customerID, propset, rep.status == http.StatusMultiStatus), nil
}
