package upstream

import (
	"customergraph/customer"
	"customergraph/scalar"
)

// The wire shapes of transactions-summaries, key for key. They are decoded
// in one pass of encoding/json (custom UnmarshalJSON methods on every level
// made each value be scanned once per level) and then flattened.

type summaryWire struct {
	RequestID *scalar.Text `json:"requestId"`
	DateRange *scalar.Text `json:"dateRange"`
	Data      *struct {
		MarketingFlag *bool `json:"marketingFlag"`
		LendingFlag   *bool `json:"lendingFlag"`
		Momo          *struct {
			Withdrawals  *flowWire       `json:"withdrawals"`
			Deposits     *flowWire       `json:"deposits"`
			BillPayments *flowWire       `json:"billPayments"`
			Send         *flowWire       `json:"send"`
			Received     *periodFlowWire `json:"received"`
			Transfers    *periodFlowWire `json:"transfers"`
		} `json:"momo"`
		Gsm *struct {
			Activity *activityWire `json:"activity"`
		} `json:"gsm"`
		MomoLoans *loansWire `json:"momo-loans"`
	} `json:"data"`
}

// flowWire covers withdrawals, deposits, billPayments and send: each names
// its keys after itself, and one struct holding all four spellings decodes
// any of them.
type flowWire struct {
	LastWithdrawals  scalar.PartialDateTime `json:"lastWithdrawalsDate"`
	LastDeposits     scalar.PartialDateTime `json:"lastDepositsDate"`
	LastBillPayments scalar.PartialDateTime `json:"lastBillPaymentsDate"`
	LastSend         scalar.PartialDateTime `json:"lastSendDate"`
	MaxWithdrawals   scalar.Decimal         `json:"maxWithdrawals-6months"`
	MaxDeposits      scalar.Decimal         `json:"maxDeposits-6months"`
	MaxBillPayments  scalar.Decimal         `json:"maxBillPayments-6months"`
	MaxSend          scalar.Decimal         `json:"maxSend-6months"`
	Quantities       *struct {
		W1 scalar.Count `json:"numberOfWithdrawals-1months"`
		W3 scalar.Count `json:"numberOfWithdrawals-3months"`
		W6 scalar.Count `json:"numberOfWithdrawals-6months"`
		D1 scalar.Count `json:"numberOfDeposits-1months"`
		D3 scalar.Count `json:"numberOfDeposits-3months"`
		D6 scalar.Count `json:"numberOfDeposits-6months"`
		B1 scalar.Count `json:"numberOfBillPayments-1months"`
		B3 scalar.Count `json:"numberOfBillPayments-3months"`
		B6 scalar.Count `json:"numberOfBillPayments-6months"`
		S1 scalar.Count `json:"numberOfSend-1months"`
		S3 scalar.Count `json:"numberOfSend-3months"`
		S6 scalar.Count `json:"numberOfSend-6months"`
	} `json:"quantities"`
	Amounts *struct {
		W1 scalar.Decimal `json:"totalWithdrawalsAmounts-1months"`
		W3 scalar.Decimal `json:"totalWithdrawalsAmounts-3months"`
		W6 scalar.Decimal `json:"totalWithdrawalsAmounts-6months"`
		D1 scalar.Decimal `json:"amountOfDeposits-1months"`
		D3 scalar.Decimal `json:"amountOfDeposits-3months"`
		D6 scalar.Decimal `json:"amountOfDeposits-6months"`
		B1 scalar.Decimal `json:"amountOfBillPayments-1months"`
		B3 scalar.Decimal `json:"amountOfBillPayments-3months"`
		B6 scalar.Decimal `json:"amountOfBillPayments-6months"`
		S1 scalar.Decimal `json:"amountOfSend-1months"`
		S3 scalar.Decimal `json:"amountOfSend-3months"`
		S6 scalar.Decimal `json:"amountOfSend-6months"`
	} `json:"amounts"`
	Acceptors *struct {
		A1 scalar.Count `json:"numberOfAcceptors-1months"`
		A3 scalar.Count `json:"numberOfAcceptors-3months"`
		A6 scalar.Count `json:"numberOfAcceptors-6months"`
	} `json:"acceptors"`
}

func firstDate(ds ...scalar.PartialDateTime) scalar.PartialDateTime {
	for _, d := range ds {
		if d.Valid() {
			return d
		}
	}
	return scalar.PartialDateTime{}
}

func firstDecimal(ds ...scalar.Decimal) scalar.Decimal {
	for _, d := range ds {
		if d.Valid() {
			return d
		}
	}
	return scalar.Decimal{}
}

func firstCount(cs ...scalar.Count) scalar.Count {
	for _, c := range cs {
		if _, ok := c.Int(); ok {
			return c
		}
	}
	return scalar.Count{}
}

func (w *flowWire) flow() *customer.MomoFlow {
	if w == nil {
		return nil
	}
	f := &customer.MomoFlow{
		LastDate:   firstDate(w.LastWithdrawals, w.LastDeposits, w.LastBillPayments, w.LastSend),
		Max6Months: firstDecimal(w.MaxWithdrawals, w.MaxDeposits, w.MaxBillPayments, w.MaxSend),
	}
	if q := w.Quantities; q != nil {
		f.Count = &customer.PeriodCounts{LastMonth: firstCount(q.W1, q.D1, q.B1, q.S1), Last3Months: firstCount(q.W3, q.D3, q.B3, q.S3),
			Last6Months: firstCount(q.W6, q.D6, q.B6, q.S6)}
	}
	if a := w.Amounts; a != nil {
		f.Amount = &customer.PeriodAmounts{LastMonth: firstDecimal(a.W1, a.D1, a.B1, a.S1), Last3Months: firstDecimal(a.W3, a.D3, a.B3, a.S3),
			Last6Months: firstDecimal(a.W6, a.D6, a.B6, a.S6)}
	}
	if a := w.Acceptors; a != nil {
		f.Acceptors = &customer.PeriodCounts{LastMonth: a.A1, Last3Months: a.A3, Last6Months: a.A6}
	}
	return f
}

type periodWire struct {
	TotalReceived     scalar.Decimal `json:"totalReceived"`
	TotalTransfers    scalar.Decimal `json:"totalTransfers"`
	TotalAcceptors    scalar.Count   `json:"totalAcceptors"`
	QuantityReceived  scalar.Count   `json:"quantityReceived"`
	QuantityTransfers scalar.Count   `json:"quantityTransfers"`
	MaxReceived       scalar.Decimal `json:"maxReceived"`
	MaxTransfers      scalar.Decimal `json:"maxTransfers"`
}

func (p *periodWire) totals() *customer.PeriodTotals {
	if p == nil {
		return nil
	}
	return &customer.PeriodTotals{Total: firstDecimal(p.TotalReceived, p.TotalTransfers), Acceptors: p.TotalAcceptors,
		Count: firstCount(p.QuantityReceived, p.QuantityTransfers)}
}

// periodFlowWire covers received and transfers.
type periodFlowWire struct {
	LastReceived  scalar.PartialDateTime `json:"lastReceivedDate"`
	LastTransfers scalar.PartialDateTime `json:"lastTransfersDate"`
	TimePeriods   *struct {
		One   *periodWire `json:"1-months"`
		Three *periodWire `json:"3-months"`
		Six   *periodWire `json:"6-months"`
	} `json:"time-periods"`
}

func (w *periodFlowWire) flow() *customer.MomoPeriodFlow {
	if w == nil {
		return nil
	}
	f := &customer.MomoPeriodFlow{LastDate: firstDate(w.LastReceived, w.LastTransfers)}
	if tp := w.TimePeriods; tp != nil {
		f.LastMonth, f.Last3Months, f.Last6Months = tp.One.totals(), tp.Three.totals(), tp.Six.totals()
		if tp.Six != nil {
			f.Max6Months = firstDecimal(tp.Six.MaxReceived, tp.Six.MaxTransfers)
		}
	}
	return f
}

type activityWire struct {
	DaysSinceLastActive scalar.Count `json:"daysSinceLastActive"`
	TopupMethod         *scalar.Text `json:"topupMethod"`
	TimePeriods         *struct {
		LastMonth *gsmMonthWire `json:"1-months"`
	} `json:"time-periods"`
}

type loansWire struct {
	TimePeriods struct {
		One struct {
			N scalar.Count `json:"numberOfLoans"`
		} `json:"1-months"`
		Three struct {
			N scalar.Count `json:"numberOfLoans"`
		} `json:"3-months"`
		Six struct {
			N scalar.Count `json:"numberOfLoans"`
		} `json:"6-months"`
	} `json:"time-periods"`
	TotalLoansAmount scalar.Decimal         `json:"totalLoansAmount"`
	FirstLoansDate   scalar.PartialDateTime `json:"firstLoansDate"`
	LastLoansDate    scalar.PartialDateTime `json:"lastLoansDate"`
	NumberOverdue    scalar.Count           `json:"numberOverdue"`
	TotalTerm        scalar.Count           `json:"totalTerm"`
	MaxTerm          scalar.Count           `json:"maxTerm"`
	LastOverdueDate  scalar.PartialDateTime `json:"lastOverdueDate"`
}

func (w *summaryWire) summary() *customer.TransactionSummary {
	if w == nil {
		return nil
	}
	t := &customer.TransactionSummary{RequestID: textPtr(w.RequestID), DateRange: textPtr(w.DateRange)}
	d := w.Data
	if d == nil {
		return t
	}
	t.MarketingFlag, t.LendingFlag = d.MarketingFlag, d.LendingFlag
	if m := d.Momo; m != nil {
		t.Withdrawals, t.Deposits, t.BillPayments, t.Send = m.Withdrawals.flow(), m.Deposits.flow(), m.BillPayments.flow(), m.Send.flow()
		t.Received, t.Transfers = m.Received.flow(), m.Transfers.flow()
	}
	if d.Gsm != nil && d.Gsm.Activity != nil {
		a := d.Gsm.Activity
		t.GsmActivity = &customer.GsmActivity{DaysSinceLastActive: a.DaysSinceLastActive, TopupMethod: textPtr(a.TopupMethod)}
		if a.TimePeriods != nil {
			t.GsmActivity.LastMonth = a.TimePeriods.LastMonth.month()
		}
	}
	if l := d.MomoLoans; l != nil {
		tp := l.TimePeriods
		t.MomoLoans = &customer.MomoLoans{LastMonthCount: tp.One.N, Last3MonthsCount: tp.Three.N, Last6MonthsCount: tp.Six.N,
			TotalAmount: l.TotalLoansAmount, FirstLoanDate: l.FirstLoansDate, LastLoanDate: l.LastLoansDate, OverdueCount: l.NumberOverdue,
			TotalTerm: l.TotalTerm, MaxTerm: l.MaxTerm, LastOverdueDate: l.LastOverdueDate}
	}
	return t
}

type gsmMonthWire struct {
	ActiveDays                 scalar.Count           `json:"numberOfActiveDays"`
	TimesBlocked               scalar.Count           `json:"numberOfTimesBlocked"`
	AirtimeUtilisation         scalar.Decimal         `json:"airtimeUtilisation"`
	DaysAirtimeBalanceBelow    scalar.Count           `json:"daysAirtimeBalanceBelow"`
	TopupAmount                scalar.Decimal         `json:"topupAmount"`
	AverageTopupAmount         scalar.Decimal         `json:"averageTopupAmount"`
	TotalOutboundCalls         scalar.Count           `json:"totalOutboundCalls"`
	DistinctOutboundCalls      scalar.Count           `json:"distinctOutboundCalls"`
	TotalInboundCalls          scalar.Count           `json:"totalInboundCalls"`
	DistinctInboundCalls       scalar.Count           `json:"distinctInboundCalls"`
	DataUsage                  scalar.Decimal         `json:"dataUsage"`
	LastDataBundlePurchaseDate scalar.PartialDateTime `json:"lastDataBundlePurchaseDate"`
	DaysDataBalanceBelow       scalar.Count           `json:"daysDataBalanceBelow"`
	AverageDataBundleSize      scalar.Decimal         `json:"averageDataBundleSize"`
	Me2u                       *struct {
		AirtimeReceivedCount  scalar.Count   `json:"me2uNumberAirtimeReceived"`
		AirtimeReceivedAmount scalar.Decimal `json:"me2uAmountAirtimeReceived"`
	} `json:"me2u"`
}

func (w *gsmMonthWire) month() *customer.GsmMonth {
	if w == nil {
		return nil
	}
	m := &customer.GsmMonth{ActiveDays: w.ActiveDays, TimesBlocked: w.TimesBlocked, AirtimeUtilisation: w.AirtimeUtilisation,
		DaysAirtimeBalanceBelow: w.DaysAirtimeBalanceBelow, TopupAmount: w.TopupAmount, AverageTopupAmount: w.AverageTopupAmount,
		TotalOutboundCalls: w.TotalOutboundCalls, DistinctOutboundCalls: w.DistinctOutboundCalls, TotalInboundCalls: w.TotalInboundCalls,
		DistinctInboundCalls: w.DistinctInboundCalls, DataUsageMb: w.DataUsage, LastDataBundlePurchaseDate: w.LastDataBundlePurchaseDate,
		DaysDataBalanceBelow: w.DaysDataBalanceBelow, AverageDataBundleSize: w.AverageDataBundleSize}
	if w.Me2u != nil {
		m.Me2u = &customer.Me2u{AirtimeReceivedCount: w.Me2u.AirtimeReceivedCount, AirtimeReceivedAmount: w.Me2u.AirtimeReceivedAmount}
	}
	return m
}
