package upstream

import (
	"encoding/json"
	"strings"

	"customergraph/scalar"
)

// TransactionSummary is the profile's transactions-summaries section.
type TransactionSummary struct {
	RequestID     string
	DateRange     string
	MarketingFlag *bool
	LendingFlag   *bool
	Withdrawals   *MomoFlow
	Deposits      *MomoFlow
	BillPayments  *MomoFlow
	Send          *MomoFlow
	Received      *MomoPeriodFlow
	Transfers     *MomoPeriodFlow
	GsmActivity   *GsmActivity
	MomoLoans     *MomoLoans
}

// UnmarshalJSON flattens {requestId, dateRange, data:{momo:{…}, gsm:{activity}, momo-loans}}.
func (t *TransactionSummary) UnmarshalJSON(raw []byte) error {
	var w struct {
		RequestID string `json:"requestId"`
		DateRange string `json:"dateRange"`
		Data      *struct {
			MarketingFlag *bool `json:"marketingFlag"`
			LendingFlag   *bool `json:"lendingFlag"`
			Momo          *struct {
				Withdrawals  *MomoFlow       `json:"withdrawals"`
				Deposits     *MomoFlow       `json:"deposits"`
				BillPayments *MomoFlow       `json:"billPayments"`
				Send         *MomoFlow       `json:"send"`
				Received     *MomoPeriodFlow `json:"received"`
				Transfers    *MomoPeriodFlow `json:"transfers"`
			} `json:"momo"`
			Gsm *struct {
				Activity *GsmActivity `json:"activity"`
			} `json:"gsm"`
			MomoLoans *MomoLoans `json:"momo-loans"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	*t = TransactionSummary{RequestID: w.RequestID, DateRange: w.DateRange}
	if d := w.Data; d != nil {
		t.MarketingFlag, t.LendingFlag, t.MomoLoans = d.MarketingFlag, d.LendingFlag, d.MomoLoans
		if m := d.Momo; m != nil {
			t.Withdrawals, t.Deposits, t.BillPayments, t.Send, t.Received, t.Transfers = m.Withdrawals, m.Deposits, m.BillPayments, m.Send, m.Received, m.Transfers
		}
		if d.Gsm != nil {
			t.GsmActivity = d.Gsm.Activity
		}
	}
	return nil
}

// PeriodCounts are counts over the last 1, 3 and 6 months.
type PeriodCounts struct{ LastMonth, Last3Months, Last6Months scalar.Count }

// PeriodAmounts are amounts over the last 1, 3 and 6 months.
type PeriodAmounts struct{ LastMonth, Last3Months, Last6Months scalar.Decimal }

// MomoFlow is one of withdrawals, deposits, billPayments, send: the spec
// names every key after the flow ("numberOfDeposits-3months"), so keys are
// matched by their shape, not their full name.
type MomoFlow struct {
	LastDate   scalar.DateTime
	Max6Months scalar.Decimal
	Count      PeriodCounts
	Amount     PeriodAmounts
	Acceptors  PeriodCounts
}

// UnmarshalJSON reads last*Date, max*-6months, quantities, amounts, acceptors.
func (f *MomoFlow) UnmarshalJSON(raw []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	*f = MomoFlow{}
	for k, v := range m {
		var err error
		switch {
		case strings.HasPrefix(k, "last") && strings.HasSuffix(k, "Date"):
			err = json.Unmarshal(v, &f.LastDate)
		case strings.HasPrefix(k, "max") && strings.HasSuffix(k, "-6months"):
			err = json.Unmarshal(v, &f.Max6Months)
		case k == "quantities":
			err = periods(v, &f.Count.LastMonth, &f.Count.Last3Months, &f.Count.Last6Months)
		case k == "amounts":
			err = periods(v, &f.Amount.LastMonth, &f.Amount.Last3Months, &f.Amount.Last6Months)
		case k == "acceptors":
			err = periods(v, &f.Acceptors.LastMonth, &f.Acceptors.Last3Months, &f.Acceptors.Last6Months)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// periods decodes {"<anything>-1months": v, "-3months": v, "-6months": v}.
func periods(raw json.RawMessage, one, three, six any) error {
	if isNull(raw) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for k, v := range m {
		var dst any
		switch {
		case strings.HasSuffix(k, "-1months"):
			dst = one
		case strings.HasSuffix(k, "-3months"):
			dst = three
		case strings.HasSuffix(k, "-6months"):
			dst = six
		default:
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return err
		}
	}
	return nil
}

// PeriodTotals is one period of received or transfers.
type PeriodTotals struct {
	Total     scalar.Decimal
	Acceptors scalar.Count
	Count     scalar.Count
}

// MomoPeriodFlow is received or transfers: per-period totals under time-periods.
type MomoPeriodFlow struct {
	LastDate    scalar.DateTime
	LastMonth   *PeriodTotals
	Last3Months *PeriodTotals
	Last6Months *PeriodTotals
	Max6Months  scalar.Decimal
}

// UnmarshalJSON reads last*Date and time-periods.{1,3,6}-months.
func (f *MomoPeriodFlow) UnmarshalJSON(raw []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	*f = MomoPeriodFlow{}
	for k, v := range m {
		if strings.HasPrefix(k, "last") && strings.HasSuffix(k, "Date") {
			if err := json.Unmarshal(v, &f.LastDate); err != nil {
				return err
			}
		}
	}
	var tp map[string]map[string]json.RawMessage
	if raw, ok := m["time-periods"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &tp); err != nil {
			return err
		}
	}
	read := func(p map[string]json.RawMessage) (*PeriodTotals, error) {
		if p == nil {
			return nil, nil
		}
		t := &PeriodTotals{}
		for k, v := range p {
			var err error
			switch {
			case strings.HasPrefix(k, "max"):
				err = json.Unmarshal(v, &f.Max6Months)
			case k == "totalAcceptors":
				err = json.Unmarshal(v, &t.Acceptors)
			case strings.HasPrefix(k, "total"):
				err = json.Unmarshal(v, &t.Total)
			case strings.HasPrefix(k, "quantity"):
				err = json.Unmarshal(v, &t.Count)
			}
			if err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	var err error
	if f.LastMonth, err = read(tp["1-months"]); err != nil {
		return err
	}
	if f.Last3Months, err = read(tp["3-months"]); err != nil {
		return err
	}
	f.Last6Months, err = read(tp["6-months"])
	return err
}

// GsmActivity is activity related to GSM calls, data bundles and airtime.
type GsmActivity struct {
	DaysSinceLastActive scalar.Count
	TopupMethod         string
	LastMonth           *GsmMonth
}

// UnmarshalJSON reads the activity definition.
func (a *GsmActivity) UnmarshalJSON(raw []byte) error {
	var w struct {
		DaysSinceLastActive scalar.Count `json:"daysSinceLastActive"`
		TopupMethod         string       `json:"topupMethod"`
		TimePeriods         *struct {
			LastMonth *GsmMonth `json:"1-months"`
		} `json:"time-periods"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	*a = GsmActivity{DaysSinceLastActive: w.DaysSinceLastActive, TopupMethod: w.TopupMethod}
	if w.TimePeriods != nil {
		a.LastMonth = w.TimePeriods.LastMonth
	}
	return nil
}

// GsmMonth is GSM activity over the last month.
type GsmMonth struct {
	ActiveDays                 scalar.Count    `json:"numberOfActiveDays"`
	TimesBlocked               scalar.Count    `json:"numberOfTimesBlocked"`
	AirtimeUtilisation         scalar.Decimal  `json:"airtimeUtilisation"`
	DaysAirtimeBalanceBelow    scalar.Count    `json:"daysAirtimeBalanceBelow"`
	TopupAmount                scalar.Decimal  `json:"topupAmount"`
	AverageTopupAmount         scalar.Decimal  `json:"averageTopupAmount"`
	TotalOutboundCalls         scalar.Count    `json:"totalOutboundCalls"`
	DistinctOutboundCalls      scalar.Count    `json:"distinctOutboundCalls"`
	TotalInboundCalls          scalar.Count    `json:"totalInboundCalls"`
	DistinctInboundCalls       scalar.Count    `json:"distinctInboundCalls"`
	DataUsageMb                scalar.Decimal  `json:"dataUsage"`
	LastDataBundlePurchaseDate scalar.DateTime `json:"lastDataBundlePurchaseDate"`
	DaysDataBalanceBelow       scalar.Count    `json:"daysDataBalanceBelow"`
	AverageDataBundleSize      scalar.Decimal  `json:"averageDataBundleSize"`
	Me2u                       *Me2u           `json:"me2u"`
}

// Me2u is MTN Me2U airtime received over the last month.
type Me2u struct {
	AirtimeReceivedCount  scalar.Count   `json:"me2uNumberAirtimeReceived"`
	AirtimeReceivedAmount scalar.Decimal `json:"me2uAmountAirtimeReceived"`
}

// MomoLoans summarizes Mobile Money loans.
type MomoLoans struct {
	LastMonthCount   scalar.Count
	Last3MonthsCount scalar.Count
	Last6MonthsCount scalar.Count
	TotalAmount      scalar.Decimal
	FirstLoanDate    scalar.DateTime
	LastLoanDate     scalar.DateTime
	OverdueCount     scalar.Count
	TotalTerm        scalar.Count
	MaxTerm          scalar.Count
	LastOverdueDate  scalar.DateTime
}

// UnmarshalJSON reads the momo-loans definition.
func (l *MomoLoans) UnmarshalJSON(raw []byte) error {
	type n struct {
		NumberOfLoans scalar.Count `json:"numberOfLoans"`
	}
	var w struct {
		TimePeriods struct {
			One   n `json:"1-months"`
			Three n `json:"3-months"`
			Six   n `json:"6-months"`
		} `json:"time-periods"`
		TotalLoansAmount scalar.Decimal  `json:"totalLoansAmount"`
		FirstLoansDate   scalar.DateTime `json:"firstLoansDate"`
		LastLoansDate    scalar.DateTime `json:"lastLoansDate"`
		NumberOverdue    scalar.Count    `json:"numberOverdue"`
		TotalTerm        scalar.Count    `json:"totalTerm"`
		MaxTerm          scalar.Count    `json:"maxTerm"`
		LastOverdueDate  scalar.DateTime `json:"lastOverdueDate"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	*l = MomoLoans{w.TimePeriods.One.NumberOfLoans, w.TimePeriods.Three.NumberOfLoans, w.TimePeriods.Six.NumberOfLoans,
		w.TotalLoansAmount, w.FirstLoansDate, w.LastLoansDate, w.NumberOverdue, w.TotalTerm, w.MaxTerm, w.LastOverdueDate}
	return nil
}
