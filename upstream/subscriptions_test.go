package upstream_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	domain "customergraph/customer"
	"customergraph/enum"
	"customergraph/sandbox"
	"customergraph/scalar"
)

// TestSubscriptionDecoding compares the whole decoded subscription list
// with the sandbox body, for the happy customer (zoned dates) and the
// odd-dates one (days only), and the providers list.
func TestSubscriptionDecoding(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	for _, c := range []struct {
		id, start, end string
	}{
		{sandbox.HappyCustomer, "2019-04-30T08:00:00Z", "2027-04-30T08:00:00Z"},
		{sandbox.OddDatesCustomer, "2019-04-30", "2019-05-06"},
	} {
		t.Run(c.id, func(t *testing.T) {
			got, err := f.client.Subscriptions.List(ctxWith("decode-test-3"), c.id, "")
			if err != nil {
				t.Fatal(err)
			}
			// The body's services map: provider 101 with CallerTunez (id 4), 202
			// with MTN Play Games (id 7); _links everywhere, statusCode 2000.
			want := &domain.SubscriptionList{CustomerID: c.id, Providers: []domain.ProviderSubscriptions{
				{ProviderID: "101", Subscriptions: []domain.VasSubscription{{
					CustomerID: c.id, ID: "4", ProviderID: "101", Name: ptr("CallerTunez"), Description: ptr("Ring-back tune of the week"),
					Status: enum.SubscriptionStatus("Active"), Type: enum.SubscriptionType("Recurring"), Length: ptr("30 days"),
					RegistrationChannel: ptr("USSD"), StartDate: at[scalar.PartialDateTime](t, c.start), EndDate: at[scalar.PartialDateTime](t, c.end),
					PaymentSource: enum.PaymentSource("Airtime"), SendSmsNotification: ptr(true), AutoRenew: ptr(true),
				}}},
				{ProviderID: "202", Subscriptions: []domain.VasSubscription{{
					CustomerID: c.id, ID: "7", ProviderID: "202", Name: ptr("MTN Play Games"), Description: ptr("Unlimited casual games"),
					Status: enum.SubscriptionStatus("Active"), Type: enum.SubscriptionType("Adhoc"), Length: ptr("7 days"),
					RegistrationChannel: ptr("App"), StartDate: at[scalar.PartialDateTime](t, c.start), EndDate: at[scalar.PartialDateTime](t, c.end),
					PaymentSource: enum.PaymentSource("MobileMoney"), SendSmsNotification: ptr(false), AutoRenew: ptr(false),
					Email: ptr("player0" + c.id[9:] + "@example.com"),
				}}},
			}}
			if diff := cmp.Diff(want, got, dates); diff != "" {
				t.Errorf("subscriptions (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("providers", func(t *testing.T) {
		got, err := f.client.Subscriptions.Providers(ctxWith("decode-test-4"), sandbox.HappyCustomer)
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.SubscriptionProvider{
			{CustomerID: sandbox.HappyCustomer, ID: "101", Name: ptr("MTN CallerTunez"), Description: ptr("Ring-back tones, billed per tune")},
			{CustomerID: sandbox.HappyCustomer, ID: "202", Name: ptr("MTN Play Services"), Description: ptr("Games, music and video on demand")},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("providers (-want +got):\n%s", diff)
		}
	})
}
