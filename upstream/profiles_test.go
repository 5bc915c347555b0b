package upstream_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	domain "customergraph/customer"
	"customergraph/enum"
	"customergraph/sandbox"
	"customergraph/scalar"
	"customergraph/upstream"
)

var counts = cmp.Comparer(func(a, b scalar.Count) bool {
	x, okA := a.Int()
	y, okB := b.Int()
	return x == y && okA == okB
})

// TestProfileDecoding compares the whole decoded full profile with the
// sandbox body, for the happy customer and the odd-dates one (a zone-less
// plan start, "2017" summary dates). The wanted values are the body's, key
// for key; the decoder keeps every date as sent and only the schema's
// scalars decide what may be answered.
func TestProfileDecoding(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	for _, c := range []struct {
		id   string
		want *upstream.Profile
	}{
		{sandbox.HappyCustomer, &upstream.Profile{CustomerID: "27831000001", Propset: upstream.PropsetFull,
			Location: &domain.Location{Country: ptr("ZA"), Operator: ptr("MTN")},
			BillingPlan: &domain.BillingPlan{Type: enum.BillingType("Prepaid"), Status: enum.PlanStatus("Active"), StartDate: at[scalar.PartialDateTime](t, "2019-04-12T14:31:21.810Z"), EndDate: at[scalar.DateTime](t, "2027-04-12T14:31:21.810Z"), Balances: []domain.ProfileBalance{
				{BalanceType: ptr("AIRTIME"), Amount: &domain.Money{Amount: dec(t, "26861"), Currency: "ZAR"}, ExpiryDate: at[scalar.PartialDateTime](t, "2026-12-31T23:59:59Z")},
				{BalanceType: ptr("VOICE"), Amount: &domain.Money{Amount: dec(t, "43"), Currency: "ZAR"}, ExpiryDate: at[scalar.PartialDateTime](t, "2026-12-31T23:59:59Z")},
			}},
			Loans: &domain.Loans{Status: enum.LoanStatus("INITED"), TransactionID: ptr("LN000001"), Eligibility: &domain.LoanEligibility{Status: enum.EligibilityStatus("ELIGIBLE"), Bands: []domain.LoanBand{{Group: ptr(1), Name: ptr("Bronze")}, {Group: ptr(2), Name: ptr("Silver")}}}},
			Accounts: []domain.Account{
				{Name: ptr("MoMo"), ID: ptr("MOMO-27831000001"), Description: ptr("Mobile Money wallet"), Status: enum.AccountStatus("active")},
				{Name: ptr("Airtime"), ID: ptr("AIR-27831000001"), Description: ptr("Prepaid airtime account"), Status: enum.AccountStatus("inactive")},
			},
			KYC: []domain.KycRecord{
				{IDType: ptr("South African ID"), IDNumber: ptr("8002143900001"), DateOfBirth: at[scalar.Date](t, "1980-02-14"), Gender: enum.Gender("Female"), FirstName: ptr("Thandi 48"), LastName: ptr("Nkosi")},
				{IDType: ptr("Passport"), IDNumber: ptr("A31000001"), DateOfBirth: at[scalar.Date](t, "1980-02-14"), Gender: enum.Gender("Female"), FirstName: ptr("Thandi 48"), LastName: ptr("Nkosi")},
				{IDType: ptr("Driving Licence"), IDNumber: ptr("DL-77120"), DateOfBirth: at[scalar.Date](t, "1980-02-14"), Gender: enum.Gender("Female"), FirstName: ptr("Thandi"), LastName: ptr("Nkosi")},
			},
			Devices: []domain.DeviceUsage{
				{Handsets: []domain.Handset{
					{DeviceID: ptr("dev-0001-1"), DeviceMake: ptr("Apple iPhone X"), Imsi: ptr("655010031000001"), Imei: ptr("990000862400001")},
					{DeviceID: ptr("dev-0001-2"), DeviceMake: ptr("Samsung Galaxy A14"), Imsi: ptr("655010131000001"), Imei: ptr("352099001200001")},
				}, PeriodUnit: enum.TimePeriodUnit("month"), PeriodValue: scalar.NewCount(6), ImsiCount: scalar.NewCount(2), ImeiCount: scalar.NewCount(2),
					PrimaryUcid: ptr("UC27831000001"), PrimaryUsid: ptr("US27831000001"), SecondaryUcid: ptr("UC227831000001"), SecondaryUsid: ptr("US227831000001")},
			},
			Transactions: &domain.TransactionSummary{RequestID: ptr("req-27831000001"), DateRange: ptr("2026-05-01/2026-10-31"), MarketingFlag: ptr(false), LendingFlag: ptr(true),
				Withdrawals: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2026-10-02"), Max6Months: dec(t, "48.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(5), Last3Months: scalar.NewCount(22), Last6Months: scalar.NewCount(99)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "16"), Last3Months: dec(t, "13"), Last6Months: dec(t, "30")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(7), Last3Months: scalar.NewCount(4), Last6Months: scalar.NewCount(81)}},
				Deposits: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2026-10-02"), Max6Months: dec(t, "218.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(15), Last3Months: scalar.NewCount(12), Last6Months: scalar.NewCount(29)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "6"), Last3Months: dec(t, "3"), Last6Months: dec(t, "80")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(17), Last3Months: scalar.NewCount(54), Last6Months: scalar.NewCount(11)}},
				BillPayments: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2026-10-02"), Max6Months: dec(t, "388.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(5), Last3Months: scalar.NewCount(2), Last6Months: scalar.NewCount(79)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "16"), Last3Months: dec(t, "53"), Last6Months: dec(t, "10")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(7), Last3Months: scalar.NewCount(44), Last6Months: scalar.NewCount(61)}},
				Send: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2026-10-02"), Max6Months: dec(t, "558.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(15), Last3Months: scalar.NewCount(52), Last6Months: scalar.NewCount(9)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "6"), Last3Months: dec(t, "43"), Last6Months: dec(t, "60")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(17), Last3Months: scalar.NewCount(34), Last6Months: scalar.NewCount(111)}},
				Received: &domain.MomoPeriodFlow{LastDate: at[scalar.PartialDateTime](t, "2026-10-02"),
					LastMonth:   &domain.PeriodTotals{Total: dec(t, "711.00"), Acceptors: scalar.NewCount(8), Count: scalar.NewCount(25)},
					Last3Months: &domain.PeriodTotals{Total: dec(t, "762.00"), Acceptors: scalar.NewCount(29), Count: scalar.NewCount(36)},
					Last6Months: &domain.PeriodTotals{Total: dec(t, "813.00"), Acceptors: scalar.NewCount(20), Count: scalar.NewCount(7)},
					Max6Months:  dec(t, "864.00")},
				Transfers: &domain.MomoPeriodFlow{LastDate: at[scalar.PartialDateTime](t, "2026-10-02"),
					LastMonth:   &domain.PeriodTotals{Total: dec(t, "881.00"), Acceptors: scalar.NewCount(28), Count: scalar.NewCount(35)},
					Last3Months: &domain.PeriodTotals{Total: dec(t, "932.00"), Acceptors: scalar.NewCount(19), Count: scalar.NewCount(6)},
					Last6Months: &domain.PeriodTotals{Total: dec(t, "983.00"), Acceptors: scalar.NewCount(10), Count: scalar.NewCount(17)},
					Max6Months:  dec(t, "1034.00")},
				GsmActivity: &domain.GsmActivity{DaysSinceLastActive: scalar.NewCount(1), TopupMethod: ptr("Voucher"), LastMonth: &domain.GsmMonth{
					ActiveDays: scalar.NewCount(14), TimesBlocked: scalar.NewCount(2), AirtimeUtilisation: dec(t, "2"), DaysAirtimeBalanceBelow: scalar.NewCount(9),
					TopupAmount: dec(t, "136.00"), AverageTopupAmount: dec(t, "53.00"), TotalOutboundCalls: scalar.NewCount(270), DistinctOutboundCalls: scalar.NewCount(67),
					TotalInboundCalls: scalar.NewCount(4), DistinctInboundCalls: scalar.NewCount(21), DataUsageMb: dec(t, "1238"), LastDataBundlePurchaseDate: at[scalar.PartialDateTime](t, "2026-10-02"),
					DaysDataBalanceBelow: scalar.NewCount(5), AverageDataBundleSize: dec(t, "1272"),
					Me2u: &domain.Me2u{AirtimeReceivedCount: scalar.NewCount(9), AirtimeReceivedAmount: dec(t, "106.00")}}},
				MomoLoans: &domain.MomoLoans{LastMonthCount: scalar.NewCount(2), Last3MonthsCount: scalar.NewCount(4), Last6MonthsCount: scalar.NewCount(9), TotalAmount: dec(t, "1442.00"),
					FirstLoanDate: at[scalar.PartialDateTime](t, "2026-10-02"), LastLoanDate: at[scalar.PartialDateTime](t, "2026-10-02"), OverdueCount: scalar.NewCount(1), TotalTerm: scalar.NewCount(36), MaxTerm: scalar.NewCount(30),
					LastOverdueDate: at[scalar.PartialDateTime](t, "2026-10-02")}},
		}},
		{sandbox.OddDatesCustomer, &upstream.Profile{CustomerID: "27831000011", Propset: upstream.PropsetFull,
			Location: &domain.Location{Country: ptr("ZA"), Operator: ptr("MTN")},
			BillingPlan: &domain.BillingPlan{Type: enum.BillingType("Hybrid"), Status: enum.PlanStatus("Active"), StartDate: at[scalar.PartialDateTime](t, "2019-12-31T12:00:00"), EndDate: at[scalar.DateTime](t, "2027-04-12T14:31:21.810Z"), Balances: []domain.ProfileBalance{
				{BalanceType: ptr("AIRTIME"), Amount: &domain.Money{Amount: dec(t, "2507"), Currency: "ZAR"}, ExpiryDate: at[scalar.PartialDateTime](t, "2019-12-31T12:00:00")},
				{BalanceType: ptr("VOICE"), Amount: &domain.Money{Amount: dec(t, "173"), Currency: "ZAR"}, ExpiryDate: at[scalar.PartialDateTime](t, "2019-12-31T12:00:00")},
			}},
			Loans: &domain.Loans{Status: enum.LoanStatus("FAILED"), TransactionID: ptr("LN000011"), Eligibility: &domain.LoanEligibility{Status: enum.EligibilityStatus("NE_TCL_REACHED"), Bands: []domain.LoanBand{{Group: ptr(1), Name: ptr("Bronze")}, {Group: ptr(2), Name: ptr("Silver")}}}},
			Accounts: []domain.Account{
				{Name: ptr("MoMo"), ID: ptr("MOMO-27831000011"), Description: ptr("Mobile Money wallet"), Status: enum.AccountStatus("active")},
				{Name: ptr("Airtime"), ID: ptr("AIR-27831000011"), Description: ptr("Prepaid airtime account"), Status: enum.AccountStatus("inactive")},
			},
			KYC: []domain.KycRecord{
				{IDType: ptr("South African ID"), IDNumber: ptr("8002143900011"), DateOfBirth: at[scalar.Date](t, "1980-02-14"), Gender: enum.Gender("Female"), FirstName: ptr("Thandi 88"), LastName: ptr("Nkosi")},
				{IDType: ptr("Passport"), IDNumber: ptr("A31000011"), DateOfBirth: at[scalar.Date](t, "1980-02-14"), Gender: enum.Gender("Female"), FirstName: ptr("Thandi 88"), LastName: ptr("Nkosi")},
			},
			Devices: []domain.DeviceUsage{
				{Handsets: []domain.Handset{
					{DeviceID: ptr("dev-0011-1"), DeviceMake: ptr("Apple iPhone X"), Imsi: ptr("655010031000011"), Imei: ptr("990000862400011")},
					{DeviceID: ptr("dev-0011-2"), DeviceMake: ptr("Samsung Galaxy A14"), Imsi: ptr("655010131000011"), Imei: ptr("352099001200011")},
				}, PeriodUnit: enum.TimePeriodUnit("month"), PeriodValue: scalar.NewCount(6), ImsiCount: scalar.NewCount(2), ImeiCount: scalar.NewCount(2),
					PrimaryUcid: ptr("UC27831000011"), PrimaryUsid: ptr("US27831000011"), SecondaryUcid: ptr("UC227831000011"), SecondaryUsid: ptr("US227831000011")},
			},
			Transactions: &domain.TransactionSummary{RequestID: ptr("req-27831000011"), DateRange: ptr("2026-05-01/2026-10-31"), MarketingFlag: ptr(false), LendingFlag: ptr(true),
				Withdrawals: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2017"), Max6Months: dec(t, "358.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(15), Last3Months: scalar.NewCount(32), Last6Months: scalar.NewCount(49)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "6"), Last3Months: dec(t, "23"), Last6Months: dec(t, "100")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(17), Last3Months: scalar.NewCount(14), Last6Months: scalar.NewCount(31)}},
				Deposits: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2017"), Max6Months: dec(t, "528.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(5), Last3Months: scalar.NewCount(22), Last6Months: scalar.NewCount(99)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "16"), Last3Months: dec(t, "13"), Last6Months: dec(t, "30")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(7), Last3Months: scalar.NewCount(4), Last6Months: scalar.NewCount(81)}},
				BillPayments: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2017"), Max6Months: dec(t, "698.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(15), Last3Months: scalar.NewCount(12), Last6Months: scalar.NewCount(29)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "6"), Last3Months: dec(t, "3"), Last6Months: dec(t, "80")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(17), Last3Months: scalar.NewCount(54), Last6Months: scalar.NewCount(11)}},
				Send: &domain.MomoFlow{LastDate: at[scalar.PartialDateTime](t, "2017"), Max6Months: dec(t, "868.00"),
					Count:     &domain.PeriodCounts{LastMonth: scalar.NewCount(5), Last3Months: scalar.NewCount(2), Last6Months: scalar.NewCount(79)},
					Amount:    &domain.PeriodAmounts{LastMonth: dec(t, "16"), Last3Months: dec(t, "53"), Last6Months: dec(t, "10")},
					Acceptors: &domain.PeriodCounts{LastMonth: scalar.NewCount(7), Last3Months: scalar.NewCount(44), Last6Months: scalar.NewCount(61)}},
				Received: &domain.MomoPeriodFlow{LastDate: at[scalar.PartialDateTime](t, "2017"),
					LastMonth:   &domain.PeriodTotals{Total: dec(t, "1021.00"), Acceptors: scalar.NewCount(18), Count: scalar.NewCount(15)},
					Last3Months: &domain.PeriodTotals{Total: dec(t, "1072.00"), Acceptors: scalar.NewCount(9), Count: scalar.NewCount(26)},
					Last6Months: &domain.PeriodTotals{Total: dec(t, "1123.00"), Acceptors: scalar.NewCount(0), Count: scalar.NewCount(37)},
					Max6Months:  dec(t, "1174.00")},
				Transfers: &domain.MomoPeriodFlow{LastDate: at[scalar.PartialDateTime](t, "2017"),
					LastMonth:   &domain.PeriodTotals{Total: dec(t, "1191.00"), Acceptors: scalar.NewCount(8), Count: scalar.NewCount(25)},
					Last3Months: &domain.PeriodTotals{Total: dec(t, "1242.00"), Acceptors: scalar.NewCount(29), Count: scalar.NewCount(36)},
					Last6Months: &domain.PeriodTotals{Total: dec(t, "1293.00"), Acceptors: scalar.NewCount(20), Count: scalar.NewCount(7)},
					Max6Months:  dec(t, "1344.00")},
				GsmActivity: &domain.GsmActivity{DaysSinceLastActive: scalar.NewCount(1), TopupMethod: ptr("Voucher"), LastMonth: &domain.GsmMonth{
					ActiveDays: scalar.NewCount(14), TimesBlocked: scalar.NewCount(0), AirtimeUtilisation: dec(t, "12"), DaysAirtimeBalanceBelow: scalar.NewCount(9),
					TopupAmount: dec(t, "446.00"), AverageTopupAmount: dec(t, "63.00"), TotalOutboundCalls: scalar.NewCount(280), DistinctOutboundCalls: scalar.NewCount(57),
					TotalInboundCalls: scalar.NewCount(14), DistinctInboundCalls: scalar.NewCount(11), DataUsageMb: dec(t, "1548"), LastDataBundlePurchaseDate: at[scalar.PartialDateTime](t, "2017"),
					DaysDataBalanceBelow: scalar.NewCount(5), AverageDataBundleSize: dec(t, "1582"),
					Me2u: &domain.Me2u{AirtimeReceivedCount: scalar.NewCount(9), AirtimeReceivedAmount: dec(t, "16.00")}}},
				MomoLoans: &domain.MomoLoans{LastMonthCount: scalar.NewCount(0), Last3MonthsCount: scalar.NewCount(2), Last6MonthsCount: scalar.NewCount(7), TotalAmount: dec(t, "1752.00"),
					FirstLoanDate: at[scalar.PartialDateTime](t, "2017"), LastLoanDate: at[scalar.PartialDateTime](t, "2017"), OverdueCount: scalar.NewCount(1), TotalTerm: scalar.NewCount(76), MaxTerm: scalar.NewCount(30),
					LastOverdueDate: at[scalar.PartialDateTime](t, "2017")}},
		}},
	} {
		t.Run(c.id, func(t *testing.T) {
			got, err := f.client.Profiles.Get(ctxWith("decode-test-7"), c.id, upstream.PropsetFull)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got, dates, decimals, counts); diff != "" {
				t.Errorf("profile (-want +got):\n%s", diff)
			}
		})
	}
}
