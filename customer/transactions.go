package customer

import "customergraph/scalar"

// The Profiles API's transactions-summaries section. Its dates are
// PartialDateTime: the spec types them as dates and gives "2017" as the example.

// TransactionSummary is Mobile Money, GSM and MoMo-loan activity over the
// last 1, 3 and 6 months.
type TransactionSummary struct {
	RequestID     *string
	DateRange     *string
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

// MomoFlow is withdrawals, deposits, bill payments or send.
type MomoFlow struct {
	LastDate   scalar.PartialDateTime
	Max6Months scalar.Decimal
	Count      *PeriodCounts
	Amount     *PeriodAmounts
	Acceptors  *PeriodCounts
}

// PeriodTotals is one period of money received or transferred.
type PeriodTotals struct {
	Total     scalar.Decimal
	Acceptors scalar.Count
	Count     scalar.Count
}

// MomoPeriodFlow is money received or transferred, per period.
type MomoPeriodFlow struct {
	LastDate    scalar.PartialDateTime
	LastMonth   *PeriodTotals
	Last3Months *PeriodTotals
	Last6Months *PeriodTotals
	Max6Months  scalar.Decimal
}

// GsmActivity is activity on GSM calls, data bundles and airtime.
type GsmActivity struct {
	DaysSinceLastActive scalar.Count
	TopupMethod         *string
	LastMonth           *GsmMonth
}

// GsmMonth is GSM activity over the last month.
type GsmMonth struct {
	ActiveDays                 scalar.Count
	TimesBlocked               scalar.Count
	AirtimeUtilisation         scalar.Decimal
	DaysAirtimeBalanceBelow    scalar.Count
	TopupAmount                scalar.Decimal
	AverageTopupAmount         scalar.Decimal
	TotalOutboundCalls         scalar.Count
	DistinctOutboundCalls      scalar.Count
	TotalInboundCalls          scalar.Count
	DistinctInboundCalls       scalar.Count
	DataUsageMb                scalar.Decimal
	LastDataBundlePurchaseDate scalar.PartialDateTime
	DaysDataBalanceBelow       scalar.Count
	AverageDataBundleSize      scalar.Decimal
	Me2u                       *Me2u
}

// Me2u is MTN Me2U airtime received (airtime sent by another subscriber).
type Me2u struct {
	AirtimeReceivedCount  scalar.Count
	AirtimeReceivedAmount scalar.Decimal
}

// MomoLoans summarizes Mobile Money loans.
type MomoLoans struct {
	LastMonthCount   scalar.Count
	Last3MonthsCount scalar.Count
	Last6MonthsCount scalar.Count
	TotalAmount      scalar.Decimal
	FirstLoanDate    scalar.PartialDateTime
	LastLoanDate     scalar.PartialDateTime
	OverdueCount     scalar.Count
	TotalTerm        scalar.Count
	MaxTerm          scalar.Count
	LastOverdueDate  scalar.PartialDateTime
}
