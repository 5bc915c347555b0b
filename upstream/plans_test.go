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

var decimals = cmp.Comparer(func(a, b scalar.Decimal) bool { return a.String() == b.String() })

func dec(t *testing.T, s string) scalar.Decimal {
	t.Helper()
	d, err := scalar.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPlansDecoding compares the whole decoded plan with the sandbox body,
// for the happy customer and the odd-dates one (zone-less and basic-format
// dates).
func TestPlansDecoding(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	for _, c := range []struct {
		id, tariff, billing, start, expiry, offerDate string
		values                                        [6]string // airtime, data total, data wallets ×2, voice, sms
	}{
		{sandbox.HappyCustomer, "MTN Prepaid Flexi", "Prepaid", "2019-04-12T14:31:21.810Z", "2026-12-31T23:59:59Z", "2026-02-05T16:08:08+05:30",
			[6]string{"268.61", "609", "304", "305", "43", "17"}},
		{sandbox.OddDatesCustomer, "MTN My Choice", "Hybrid", "2019-12-31T12:00:00", "2019-12-31T12:00:00", "20210205T16:08:08+0530",
			[6]string{"25.07", "1579", "789", "790", "173", "87"}},
	} {
		t.Run(c.id, func(t *testing.T) {
			got, err := f.client.Plans.Get(ctxWith("decode-test-5"), c.id, upstream.PlansQuery{})
			if err != nil {
				t.Fatal(err)
			}
			v := c.values
			expiry := at[scalar.PartialDateTime](t, c.expiry)
			amount := func(typ, unit, value string) domain.Amount {
				if typ == "CURRENCY" {
					return &domain.Money{Amount: dec(t, value), Currency: unit}
				}
				return &domain.Quantity{Value: dec(t, value), Unit: unit, Type: enum.ValueType(typ)}
			}
			balance := func(kind, category, typ, unit, total string, wallets ...domain.Wallet) domain.Balance {
				return domain.Balance{BalanceType: ptr(kind), Category: ptr(category), ExpiryDate: expiry,
					Detail:  &domain.BalanceDetail{Type: enum.ValueType(typ), Active: amount(typ, unit, total), Unused: amount(typ, unit, "0")},
					Wallets: wallets}
			}
			wallet := func(name, typ, unit, value string) domain.Wallet {
				return domain.Wallet{Name: ptr(name), Status: enum.WalletStatus("Active"), ExpiryDate: expiry, Amount: amount(typ, unit, value)}
			}
			want := &domain.Plans{
				Type: enum.BillingType(c.billing), Status: enum.PlanStatus("Active"),
				StartDate: at[scalar.PartialDateTime](t, c.start), EndDate: date(t, "2027-04-12T14:31:21.810Z"),
				Language: ptr("en"), TariffPlan: ptr(c.tariff),
				Balances: []domain.Balance{
					balance("AIRTIME", "Main", "CURRENCY", "ZAR", v[0], wallet("Main airtime", "CURRENCY", "ZAR", v[0])),
					balance("DATA", "Bundle", "DATA", "MB", v[1], wallet("DATA1GB", "DATA", "MB", v[2]), wallet("DATANIGHT", "DATA", "MB", v[3])),
					balance("VOICE", "Bundle", "MINUTES", "MINUTES", v[4], wallet("VOICE100", "MINUTES", "MINUTES", v[4])),
					balance("SMS", "Bundle", "SMS", "SMS", v[5], wallet("SMS50", "SMS", "SMS", v[5])),
				},
				Offer: &domain.Offer{OfferID: ptr("123456"), OfferType: ptr("2"), StartDate: date(t, c.offerDate), ExpiryDate: date(t, c.offerDate),
					ExpiryDateValue: ptr("53402237800000")},
			}
			if diff := cmp.Diff(want, got, dates, decimals); diff != "" {
				t.Errorf("plans (-want +got):\n%s", diff)
			}
		})
	}
}
