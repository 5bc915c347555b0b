package upstream

import (
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

// GsmActivity is activity related to GSM calls, data bundles and airtime.
type GsmActivity struct {
	DaysSinceLastActive scalar.Count
	TopupMethod         string
	LastMonth           *GsmMonth
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
