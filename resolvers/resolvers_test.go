package resolvers

import (
	"testing"

	"customergraph/enum"
)

func TestNormalizeMSISDN(t *testing.T) {
	cases := []struct{ in, want string }{
		{"+27 83 100 0001", "27831000001"},
		{"27831000001", "27831000001"},
		{"0027-83-100-0001", "27831000001"},
		{"(27) 83.100.0001", "27831000001"},
		{" +2348064816493 ", "2348064816493"},
		{"083 100 0001", ""},
		{"27-83-ABC", ""},
		{"+", ""},
		{"1234567", ""},
		{"1234567890123456", ""},
		{"27831000001; DROP", ""},
	}
	for _, tc := range cases {
		got, err := NormalizeMSISDN(tc.in)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%q → %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestEnumName(t *testing.T) {
	cases := map[string]string{
		"RICA Barred": "RICA_BARRED", "MobileMoney": "MOBILE_MONEY", "Unsubscribe successful": "UNSUBSCRIBE_SUCCESSFUL",
		"month": "MONTH", "Prepaid": "PREPAID", "NE_TCL_REACHED": "NE_TCL_REACHED", "EVDS": "EVDS", "active": "ACTIVE",
	}
	for in, want := range cases {
		if got := enum.Name(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	if got := upstreamEnum("MOBILE_MONEY", "Airtime", "MobileMoney"); got != "MobileMoney" {
		t.Errorf("upstreamEnum %q", got)
	}
}
