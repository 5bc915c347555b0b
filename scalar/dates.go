package scalar

import (
	"context"
	"fmt"
	"io"
	"strconv"
)

// The three date scalars a typed client maps to one type each. A value the
// upstream API sent in another shape than its field's scalar allows is not
// reshaped (a missing zone is never invented, a day never dropped): the
// field answers null with an UPSTREAM_ERROR that quotes the value.

// DateTime is an instant with its offset, RFC 3339: "2019-04-12T14:31:21.810Z".
type DateTime struct{ Moment }

// Date is a calendar day, RFC 3339 full-date: "1980-02-14".
type Date struct{ Moment }

// PartialDateTime is a date or date-time in ISO 8601 extended format at the
// precision the API gave, with or without a zone: "2017", "2019-04-30",
// "2019-12-31T12:00:00", "2019-04-30T08:00:00Z". It is for the fields whose
// specs show such values.
type PartialDateTime struct{ Moment }

// ValueError is an upstream value its field's scalar cannot carry.
type ValueError struct {
	Scalar, Value, Reason string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("the upstream API sent %q, which is not a %s (%s); the field is null rather than guessed", e.Value, e.Scalar, e.Reason)
}

// quoted writes s as a JSON string; dates never hold characters that need escaping beyond strconv's.
func quoted(w io.Writer, s string) { _, _ = io.WriteString(w, strconv.Quote(s)) }

func null(w io.Writer) { _, _ = io.WriteString(w, "null") }

// MarshalGQLContext writes RFC 3339, or fails for values without a zone.
func (d DateTime) MarshalGQLContext(_ context.Context, w io.Writer) error {
	switch d.prec {
	case PrecisionNone:
		null(w)
	case PrecisionTime:
		quoted(w, d.String())
	default:
		return &ValueError{Scalar: "DateTime", Value: d.String(), Reason: "it has no time zone"}
	}
	return nil
}

// UnmarshalGQLContext accepts RFC 3339 and the basic ISO 8601 form, with a zone.
func (d *DateTime) UnmarshalGQLContext(_ context.Context, v any) error {
	m, err := momentInput(v, "DateTime", `"2026-11-25T10:00:00Z"`)
	if err == nil && m.prec != PrecisionTime {
		err = inputErr("DateTime needs a date, a time and a zone, such as \"2026-11-25T10:00:00Z\"")
	}
	if err != nil {
		return err
	}
	d.Moment = m
	return nil
}

// MarshalGQLContext writes YYYY-MM-DD, or fails for anything else.
func (d Date) MarshalGQLContext(_ context.Context, w io.Writer) error {
	switch d.prec {
	case PrecisionNone:
		null(w)
	case PrecisionDay:
		quoted(w, d.String())
	default:
		return &ValueError{Scalar: "Date", Value: d.String(), Reason: "it is not a calendar day"}
	}
	return nil
}

// UnmarshalGQLContext accepts YYYY-MM-DD.
func (d *Date) UnmarshalGQLContext(_ context.Context, v any) error {
	m, err := momentInput(v, "Date", `"2026-11-25"`)
	if err == nil && m.prec != PrecisionDay {
		err = inputErr("Date must be a calendar day such as \"2026-11-25\"")
	}
	if err != nil {
		return err
	}
	d.Moment = m
	return nil
}

// MarshalGQL writes the value at its precision, or null.
func (d PartialDateTime) MarshalGQL(w io.Writer) {
	if !d.Valid() {
		null(w)
		return
	}
	quoted(w, d.String())
}

// UnmarshalGQL accepts any of the shapes ParseMoment reads.
func (d *PartialDateTime) UnmarshalGQL(v any) error {
	m, err := momentInput(v, "PartialDateTime", `"2026-11-25T10:00:00Z" or "2026-11-25"`)
	if err != nil {
		return err
	}
	d.Moment = m
	return nil
}

func momentInput(v any, name, example string) (Moment, error) {
	s, ok := v.(string)
	if !ok {
		return Moment{}, inputErr("%s must be a string such as %s", name, example)
	}
	m, err := ParseMoment(s)
	if err != nil {
		return Moment{}, inputErr("%v", err)
	}
	return m, nil
}
