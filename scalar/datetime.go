package scalar

import (
	"fmt"
	"strings"
	"time"
)

// Precision says how much of a Moment upstream actually knew.
type Precision int

// The precisions a Moment can carry.
const (
	PrecisionNone Precision = iota
	PrecisionYear
	PrecisionDay
	PrecisionLocalTime // date and time with no zone: "2019-12-31T12:00:00"
	PrecisionTime      // date, time and zone
)

// Moment is a point or period in time exactly as precise as upstream sent
// it. The specs write "2019-04-12T14:31:21.810Z", "2019-12-31T12:00:00" (no
// zone), "20210205T16:08:08+0530" (basic ISO 8601), "2019-04-30" and "2017"
// for fields they all type as dates; inventing a zone or a day would lie.
// The three GraphQL date scalars (DateTime, Date, PartialDateTime, in
// dates.go) each hold a Moment and differ in what they may answer.
//
// It formats as extended ISO 8601 at the same precision: "2021-02-05T16:08:08+05:30",
// "2019-12-31T12:00:00", "2019-04-30", "2017".
type Moment struct {
	t    time.Time
	prec Precision
	frac int // digits of the fraction of a second as sent: ".810" is 3, and stays 3
}

var layouts = []struct {
	layout string
	prec   Precision
}{
	{time.RFC3339Nano, PrecisionTime},
	{"2006-01-02T15:04:05.999999999Z0700", PrecisionTime},
	{"20060102T150405Z0700", PrecisionTime},
	{"20060102T15:04:05Z0700", PrecisionTime}, // the Plans offers example mixes basic date and extended time
	{"2006-01-02T15:04:05.999999999", PrecisionLocalTime},
	{"2006-01-02 15:04:05", PrecisionLocalTime},
	{"2006-01-02", PrecisionDay},
	{"20060102", PrecisionDay},
	{"2006", PrecisionYear},
}

// ParseMoment reads any of the formats above.
func ParseMoment(s string) (Moment, error) {
	s = strings.TrimSpace(s)
	d, err := parseMoment(s)
	d.frac = fractionDigits(s)
	return d, err
}

// fractionDigits counts the digits after the seconds' decimal point.
func fractionDigits(s string) int {
	i := strings.IndexByte(s, '.')
	if i < 0 || !strings.ContainsRune(s[:i], ':') {
		return 0
	}
	n := 0
	for _, c := range s[i+1:] {
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	return n
}

func parseMoment(s string) (Moment, error) {
	// The common shapes first, by length, without trying every layout.
	switch {
	case len(s) == 4:
		if t, err := time.Parse("2006", s); err == nil {
			return Moment{t: t, prec: PrecisionYear}, nil
		}
	case len(s) == 10 && s[4] == '-':
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return Moment{t: t, prec: PrecisionDay}, nil
		}
	case len(s) > 19 && s[4] == '-' && s[10] == 'T' && (s[len(s)-1] == 'Z' || s[len(s)-6] == '+' || s[len(s)-6] == '-'):
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return Moment{t: t, prec: PrecisionTime}, nil
		}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return Moment{t: t, prec: l.prec}, nil
		}
	}
	return Moment{}, fmt.Errorf("%q is not a date or date-time", s)
}

// Time returns the parsed time (UTC for values without a zone) and its precision.
func (d Moment) Time() (time.Time, Precision) { return d.t, d.prec }

// Valid reports whether a date was parsed.
func (d Moment) Valid() bool { return d.prec != PrecisionNone }

// String formats at the known precision.
func (d Moment) String() string {
	switch d.prec {
	case PrecisionYear:
		return d.t.Format("2006")
	case PrecisionDay:
		return d.t.Format("2006-01-02")
	case PrecisionLocalTime:
		return d.t.Format("2006-01-02T15:04:05" + d.fraction())
	case PrecisionTime:
		return d.t.Format("2006-01-02T15:04:05" + d.fraction() + "Z07:00")
	}
	return ""
}

// fraction is the layout of the seconds' fraction with the digits sent.
func (d Moment) fraction() string {
	if d.frac == 0 {
		return ""
	}
	return "." + strings.Repeat("0", min(d.frac, 9))
}

// UnmarshalJSON never fails on a string: unknown formats decode as absent
// so one odd date cannot cost a whole response.
func (d *Moment) UnmarshalJSON(b []byte) error {
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	if t == "" || t == "null" {
		*d = Moment{}
		return nil
	}
	v, _ := ParseMoment(string(t))
	*d = v
	return nil
}
