package upstream_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	domain "customergraph/customer"
	"customergraph/enum"
	"customergraph/sandbox"
	"customergraph/scalar"
)

// dates compares the date scalars by what they say, at their precision.
var dates = cmp.Comparer(func(a, b scalar.Moment) bool { return a.String() == b.String() })

func ptr[T any](v T) *T { return &v }

// at reads s as any of the date scalars: at[scalar.DateTime](t, "…").
func at[T ~struct{ scalar.Moment }](t *testing.T, s string) T {
	t.Helper()
	m, err := scalar.ParseMoment(s)
	if err != nil {
		t.Fatal(err)
	}
	return T{Moment: m}
}

func date(t *testing.T, s string) scalar.DateTime { t.Helper(); return at[scalar.DateTime](t, s) }

// TestAccountholderDecoding compares the whole decoded accountholder with
// what the sandbox body says, for the happy and the odd-dates domain.
func TestAccountholderDecoding(t *testing.T) {
	f := newFixture(t, sandbox.Options{}, nil)
	for _, id := range []string{sandbox.HappyCustomer, sandbox.OddDatesCustomer} {
		t.Run(id, func(t *testing.T) {
			got, err := f.client.Accountholders.Get(ctxWith("decode-test-1"), id, false)
			if err != nil {
				t.Fatal(err)
			}
			// The body: {"customerId": id, "data": {"acceptedtc": [{"acceptedtcversion": "v2",
			// "dateTime": "2021-01-30T08:30:00Z"}], "accountholderStatus": "ACTIVE",
			// "accountholderType": "INDIVIDUAL", "bankDomainName": "MFS", "child": [],
			// "firstName": "Thandi", "fris": [{"currency": {"code": "ZAR"}, "friType": "MSISDN"}],
			// "hasParent": false, "homeChargingRegionName": "Gauteng", "identity": [{"idType":
			// "MSISDN", "idValue": id}, {"idType": "ID", "idValue": "80021439000" + id[9:]}],
			// "languageCode": {"code": "en"}, "lastName": "Nkosi", "loyaltyPointsAccountFri":
			// "FRI:<id>/LP", "profileName": "Mobile Money User Profile"}}; no offnet, no employeeId.
			want := &domain.Accountholder{
				CustomerID: id,
				Status:     enum.AccountholderStatus("ACTIVE"),
				Identities: []domain.Identity{{Type: enum.IDType("MSISDN"), Value: id}, {Type: enum.IDType("ID"), Value: "80021439000" + id[9:]}},
				FirstName:  ptr("Thandi"), LastName: ptr("Nkosi"), ProfileName: ptr("Mobile Money User Profile"),
				Fris:                    []domain.Fri{{Type: ptr("MSISDN"), Currency: ptr("ZAR")}},
				LoyaltyPointsAccountFri: ptr("FRI:" + id + "/LP"),
				AcceptedTerms:           []domain.AcceptedTerms{{Version: ptr("v2"), AcceptedAt: date(t, "2021-01-30T08:30:00Z")}},
				BankDomainName:          ptr("MFS"), HomeChargingRegionName: ptr("Gauteng"), Type: ptr("INDIVIDUAL"),
				HasParent: ptr(false), LanguageCode: ptr("en"),
				Children: []domain.Accountholder{},
			}
			if diff := cmp.Diff(want, got, dates); diff != "" {
				t.Errorf("accountholder (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("validation", func(t *testing.T) {
		got, err := f.client.Accountholders.Validate(ctxWith("decode-test-2"), sandbox.HappyCustomer)
		if err != nil {
			t.Fatal(err)
		}
		// The body: {"data": {"extension": [{"extensionInformation": "accountholderStatus=ACTIVE"}], "isValid": true}}.
		want := &domain.AccountholderValidation{IsValid: ptr(true), Extension: []string{"accountholderStatus=ACTIVE"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("validation (-want +got):\n%s", diff)
		}
	})
}
