package upstream

import (
	"customergraph/customer"
)

// The one place the Profiles API's bodies become customer types.

// profileFrom maps a decoded profile; partial (a 207 answer) lists the
// sections a full propset should have had and did not.
func profileFrom(w *profileWire, customerID string, propset Propset, partial bool) *Profile {
	p := &Profile{CustomerID: w.CustomerID, Propset: propset}
	if p.CustomerID == "" {
		p.CustomerID = customerID
	}
	miss := func(part string, absent bool) {
		if partial && absent && propset == PropsetFull {
			p.Missing = append(p.Missing, part)
		}
	}
	if w.Locations != nil && w.Locations.Data != nil {
		d := w.Locations.Data
		p.Location = &customer.Location{Country: textPtr(d.Country), Operator: textPtr(d.Operator)}
	}
	miss(PartLocations, p.Location == nil)
	if w.Plans != nil && w.Plans.Data != nil {
		d := w.Plans.Data
		p.BillingPlan = &customer.BillingPlan{Type: d.Type, Status: d.Status, StartDate: d.StartDate, EndDate: d.EndDate}
		for _, b := range d.Balance {
			if b.Data != nil {
				p.BillingPlan.Balances = append(p.BillingPlan.Balances, customer.ProfileBalance{BalanceType: textPtr(b.Data.BalanceType),
					Amount: customer.NewMoney(b.Data.Amount, textPtr(b.Data.Currency)), ExpiryDate: b.Data.ExpiryDate})
			}
		}
	}
	miss(PartPlans, p.BillingPlan == nil)
	if w.Loans != nil && w.Loans.Data != nil {
		d := w.Loans.Data
		p.Loans = &customer.Loans{Status: d.Status, TransactionID: textPtr(d.TransactionID)}
		if e := d.Eligibility; e != nil {
			p.Loans.Eligibility = &customer.LoanEligibility{Status: e.Status}
			if e.Bands != nil {
				p.Loans.Eligibility.Bands = make([]customer.LoanBand, len(e.Bands))
				for i, b := range e.Bands {
					p.Loans.Eligibility.Bands[i] = customer.LoanBand{Group: b.Group, Name: textPtr(b.Name)}
				}
			}
		}
	}
	miss(PartLoans, p.Loans == nil)
	miss(PartAccounts, w.Account == nil)
	if w.Account != nil {
		p.Accounts = make([]customer.Account, len(*w.Account))
		for i, a := range *w.Account {
			d := a.Data
			p.Accounts[i] = customer.Account{Name: textPtr(d.AccountName), ID: textPtr(d.AccountID), Description: textPtr(d.Description), Status: d.Status}
		}
	}
	miss(PartKYC, w.KYC == nil)
	if w.KYC != nil {
		p.KYC = make([]customer.KycRecord, len(*w.KYC))
		for i, k := range *w.KYC {
			d := k.Data
			p.KYC[i] = customer.KycRecord{IDType: textPtr(d.IDType), IDNumber: textPtr(d.IDNumber), DateOfBirth: d.DateOfBirth, Gender: d.Gender,
				FirstName: textPtr(d.FirstName), LastName: textPtr(d.LastName)}
		}
	}
	miss(PartDevices, w.Devices == nil)
	if w.Devices != nil {
		p.Devices = make([]customer.DeviceUsage, len(*w.Devices))
		for i, dv := range *w.Devices {
			x := dv.Data
			u := customer.DeviceUsage{PeriodUnit: x.TimePeriods.Unit, PeriodValue: x.TimePeriods.Value, ImsiCount: x.NumberOfIMSIs, ImeiCount: x.NumberOfIMEIs,
				PrimaryUcid: textPtr(x.PrimaryUCID), PrimaryUsid: textPtr(x.PrimaryUSID), SecondaryUcid: textPtr(x.SecondaryUCID), SecondaryUsid: textPtr(x.SecondaryUSID)}
			if x.Devices != nil {
				u.Handsets = make([]customer.Handset, len(x.Devices))
				for j, h := range x.Devices {
					u.Handsets[j] = customer.Handset{DeviceID: textPtr(h.DeviceID), DeviceMake: textPtr(h.DeviceMake), Imsi: textPtr(h.Imsi), Imei: textPtr(h.Imei)}
				}
			}
			p.Devices[i] = u
		}
	}
	miss(PartTransactions, w.Transactions == nil)
	p.Transactions = w.Transactions.summary()
	return p
}
