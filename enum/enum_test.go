package enum

import (
	"bytes"
	"testing"
)

func TestMarshal(t *testing.T) {
	for _, tc := range []struct {
		got  func(*bytes.Buffer)
		want string
	}{
		{func(b *bytes.Buffer) { PlanStatus("RICA Barred").MarshalGQL(b) }, `"RICA_BARRED"`},
		{func(b *bytes.Buffer) { PaymentSource("MobileMoney").MarshalGQL(b) }, `"MOBILE_MONEY"`},
		{func(b *bytes.Buffer) { PaymentSource("MoMo").MarshalGQL(b) }, `"MOBILE_MONEY"`},
		{func(b *bytes.Buffer) { UnsubscribeStatus("Unsubscribe successful").MarshalGQL(b) }, `"UNSUBSCRIBE_SUCCESSFUL"`},
		{func(b *bytes.Buffer) { TimePeriodUnit("month").MarshalGQL(b) }, `"MONTH"`},
		{func(b *bytes.Buffer) { PlanStatus("Frozen").MarshalGQL(b) }, `null`},
		{func(b *bytes.Buffer) { Gender("").MarshalGQL(b) }, `null`},
	} {
		var b bytes.Buffer
		tc.got(&b)
		if b.String() != tc.want {
			t.Errorf("got %s, want %s", b.String(), tc.want)
		}
	}
	var s SubscriptionType
	if err := s.UnmarshalGQL("RECURRING"); err != nil || s != "RECURRING" {
		t.Errorf("unmarshal: %v %q", err, s)
	}
	if err := s.UnmarshalGQL("Recurring"); err == nil {
		t.Error("a non-schema spelling was accepted")
	}
}
