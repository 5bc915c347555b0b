// Package scalar holds the value types that carry the specs' loosely typed
// values from the REST APIs to GraphQL without losing anything: amounts and
// counts sent as strings or numbers, dates in five formats, ids that are
// integers in one schema and strings in another.
//
// Each type decodes leniently from upstream JSON and marshals as a GraphQL
// scalar (gqlgen's Marshaler interface needs no import).
package scalar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Text is a string that upstream may also send as a number or boolean
// (e.g. subscriptionId is an integer in Unsubscribe, a string elsewhere).
type Text string

// UnmarshalJSON accepts a string, number, boolean or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	// Most values are plain strings: take them without a second JSON pass.
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 && bytes.IndexByte(b[1:n-1], '"') < 0 {
		*t = Text(b[1 : n-1])
		return nil
	}
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("scalar.Text: got a JSON %s", map[byte]string{'{': "object", '[': "array"}[b[0]])
	default:
		*t = Text(b)
	}
	return nil
}

// String returns the text.
func (t Text) String() string { return string(t) }

// Decimal is an exact decimal number kept as its canonical text, so that
// "26861" or "45.25" never pass through a float. The zero value means absent.
type Decimal struct {
	text string
}

// ParseDecimal validates and canonicalizes a decimal string: optional sign,
// digits, optional fraction; no exponent, no thousands separators.
func ParseDecimal(s string) (Decimal, error) {
	if !isDecimal(s) {
		return Decimal{}, fmt.Errorf("%q is not a decimal number", s)
	}
	if s[0] == '+' {
		s = s[1:]
	}
	return Decimal{text: s}, nil
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && s[len(s)-1] != '.'
}

// String returns the canonical text ("" when absent).
func (d Decimal) String() string { return d.text }

// Valid reports whether the decimal holds a number.
func (d Decimal) Valid() bool { return d.text != "" }

// UnmarshalJSON accepts a JSON string or number. A value that is not a
// decimal (upstream garbage such as "N/A") decodes as absent rather than
// failing the whole body.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	v, err := ParseDecimal(string(t))
	if err != nil {
		*d = Decimal{}
		return nil
	}
	*d = v
	return nil
}

// MarshalGQL writes the decimal as a string: JSON numbers lose precision in
// JavaScript clients.
func (d Decimal) MarshalGQL(w io.Writer) {
	if !d.Valid() {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(d.text))
}

// UnmarshalGQL accepts a string, or an integer literal.
func (d *Decimal) UnmarshalGQL(v any) error {
	switch x := v.(type) {
	case string:
		p, err := ParseDecimal(x)
		if err != nil {
			return inputErr("%v", err)
		}
		*d = p
		return nil
	case int, int64, int32, json.Number:
		p, err := ParseDecimal(fmt.Sprint(x))
		if err != nil {
			return inputErr("%v", err)
		}
		*d = p
		return nil
	case float64:
		return inputErr("give decimals as strings (e.g. \"%v\") so no precision is lost", x)
	default:
		return inputErr("Decimal must be a string such as \"12.50\"")
	}
}

// Count is a non-negative integer that upstream sends as a string ("4").
// Absent or unparseable values are null in GraphQL.
type Count struct {
	n     int64
	valid bool
}

// NewCount returns a valid count.
func NewCount(n int64) Count { return Count{n: n, valid: true} }

// Int returns the value and whether it is present.
func (c Count) Int() (int64, bool) { return c.n, c.valid }

// UnmarshalJSON accepts "4", 4 or null.
func (c *Count) UnmarshalJSON(b []byte) error {
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	n, err := strconv.ParseInt(string(t), 10, 64)
	*c = Count{n: n, valid: err == nil}
	return nil
}

// MarshalGQL writes an Int, or null when absent. Counts beyond 2^31 are
// clamped-safe as GraphQL Int is 32-bit: they are written as null.
func (c Count) MarshalGQL(w io.Writer) {
	if !c.valid || c.n > 1<<31-1 || c.n < -(1<<31) {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.FormatInt(c.n, 10))
}

// UnmarshalGQL accepts an Int.
func (c *Count) UnmarshalGQL(v any) error {
	switch x := v.(type) {
	case int:
		*c = NewCount(int64(x))
	case int64:
		*c = NewCount(x)
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return inputErr("%v", err)
		}
		*c = NewCount(n)
	default:
		return inputErr("Int expected")
	}
	return nil
}

// MarshalGQL writes the text as a GraphQL String or ID, or null when empty.
func (t Text) MarshalGQL(w io.Writer) {
	if t == "" {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(string(t)))
}

// UnmarshalGQL accepts a string or an integer.
func (t *Text) UnmarshalGQL(v any) error {
	switch x := v.(type) {
	case string:
		*t = Text(x)
	case int, int64, json.Number:
		*t = Text(fmt.Sprint(x))
	default:
		return inputErr("a string or integer is expected")
	}
	return nil
}

// InputError is a GraphQL input value that is not a valid scalar; the
// server reports it as BAD_USER_INPUT.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErr(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}
