package scalar

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
)

// TestMomentFormats: every shape the specs write is read, and written back
// in extended ISO 8601 at the precision sent (PartialDateTime writes any).
func TestMomentFormats(t *testing.T) {
	cases := []struct{ in, out string }{
		// The fraction keeps the digits sent, trailing zeros included.
		{"2019-04-12T14:31:21.810Z", "2019-04-12T14:31:21.810Z"},
		{"2019-04-12T14:31:21.81Z", "2019-04-12T14:31:21.81Z"},
		{"2019-04-12T14:31:21.000+02:00", "2019-04-12T14:31:21.000+02:00"},
		{"2019-04-12T14:31:21.123456789Z", "2019-04-12T14:31:21.123456789Z"},
		{"2019-12-31T12:00:00.50", "2019-12-31T12:00:00.50"},
		{"2019-12-31T12:00:00", "2019-12-31T12:00:00"},
		{"20210205T16:08:08+0530", "2021-02-05T16:08:08+05:30"},
		{"20210205T160808+0530", "2021-02-05T16:08:08+05:30"},
		{"2019-04-30", "2019-04-30"},
		{"2017", "2017"},
		{"2021-01-30T08:30:00+02:00", "2021-01-30T08:30:00+02:00"},
		{"soon", "null"},
		{"", "null"},
	}
	for _, tc := range cases {
		var d PartialDateTime
		if err := json.Unmarshal([]byte(`"`+tc.in+`"`), &d); err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		var buf bytes.Buffer
		d.MarshalGQL(&buf)
		want := `"` + tc.out + `"`
		if tc.out == "null" {
			want = "null"
		}
		if buf.String() != want {
			t.Errorf("%q → %s, want %s", tc.in, buf.String(), want)
		}
	}
}

// TestDateScalarsNeverReshape: DateTime writes only zoned values and Date
// only days; anything else is an error that quotes the value, never a
// value with an invented zone or a dropped time.
func TestDateScalarsNeverReshape(t *testing.T) {
	cases := []struct {
		in, dateTime, date string // "" = the marshaller fails
	}{
		{"2019-04-12T14:31:21.810Z", `"2019-04-12T14:31:21.810Z"`, ""},
		{"20210205T16:08:08+0530", `"2021-02-05T16:08:08+05:30"`, ""},
		{"2019-12-31T12:00:00", "", ""},
		{"1980-02-14", "", `"1980-02-14"`},
		{"2017", "", ""},
		{"soon", "null", "null"},
	}
	for _, tc := range cases {
		m, _ := ParseMoment(tc.in)
		for _, s := range []struct {
			name string
			m    graphqlContextMarshaler
			want string
		}{{"DateTime", DateTime{m}, tc.dateTime}, {"Date", Date{m}, tc.date}} {
			var buf bytes.Buffer
			err := s.m.MarshalGQLContext(context.Background(), &buf)
			switch {
			case s.want == "" && err == nil:
				t.Errorf("%s(%q) wrote %s, want an error", s.name, tc.in, buf.String())
			case s.want == "" && !strings.Contains(err.Error(), strconv.Quote(m.String())):
				t.Errorf("%s(%q): error %q does not quote the value", s.name, tc.in, err)
			case s.want != "" && (err != nil || buf.String() != s.want):
				t.Errorf("%s(%q) = %s, %v; want %s", s.name, tc.in, buf.String(), err, s.want)
			}
		}
	}
}

type graphqlContextMarshaler interface {
	MarshalGQLContext(context.Context, io.Writer) error
}

func TestDecimal(t *testing.T) {
	cases := []struct{ json, out string }{
		{`"26861"`, `"26861"`},
		{`"45.25"`, `"45.25"`},
		{`12.000000000000000001`, `"12.000000000000000001"`},
		{`"+3"`, `"3"`},
		{`"N/A"`, `null`},
		{`"1e5"`, `null`},
		{`null`, `null`},
	}
	for _, tc := range cases {
		var d Decimal
		if err := json.Unmarshal([]byte(tc.json), &d); err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		var buf bytes.Buffer
		d.MarshalGQL(&buf)
		if buf.String() != tc.out {
			t.Errorf("%s → %s, want %s", tc.json, buf.String(), tc.out)
		}
	}
	var d Decimal
	if err := d.UnmarshalGQL(12.5); err == nil {
		t.Error("float input accepted")
	}
	if err := d.UnmarshalGQL("12.50"); err != nil || d.String() != "12.50" {
		t.Errorf("string input: %v %s", err, d)
	}
}

func TestCountAndText(t *testing.T) {
	var c struct {
		A, B, C Count
		T, U    Text
	}
	if err := json.Unmarshal([]byte(`{"A":"4","B":7,"C":"many","T":105,"U":"x"}`), &c); err != nil {
		t.Fatal(err)
	}
	if n, ok := c.A.Int(); !ok || n != 4 {
		t.Errorf("A %v", c.A)
	}
	if n, ok := c.B.Int(); !ok || n != 7 {
		t.Errorf("B %v", c.B)
	}
	if _, ok := c.C.Int(); ok {
		t.Error("C parsed")
	}
	if c.T != "105" || c.U != "x" {
		t.Errorf("text %q %q", c.T, c.U)
	}
}
