package resolvers

import (
	"fmt"
	"strings"
)

// NormalizeMSISDN turns an MSISDN as users type it ("+27 83 100 0001",
// "0027-83-100-0001", "(27) 831000001") into E.164 digits without the '+'.
func NormalizeMSISDN(in string) (string, error) {
	// Only spaces are trimmed: a tab, newline or other control character
	// anywhere is refused below, as docs/errors.md promises.
	s := strings.Trim(in, " ")
	if len(s) > 32 {
		return "", &InputError{Message: "a customer id is an MSISDN of at most 15 digits"}
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", &InputError{Message: fmt.Sprintf("customer id %q is not an MSISDN: only digits, spaces, '-', '.', '(', ')' and a leading '+' are allowed", clipInput(in))}
		}
	}
	d := strings.TrimPrefix(b.String(), "00")
	switch {
	case d == "":
		return "", &InputError{Message: "customer id is empty"}
	case d[0] == '0':
		return "", &InputError{Message: fmt.Sprintf("customer id %q looks national: give it with its country code, e.g. +27 83 100 0001", clipInput(in))}
	case len(d) < 8 || len(d) > 15:
		return "", &InputError{Message: fmt.Sprintf("customer id %q has %d digits; an MSISDN with country code has 8 to 15", clipInput(in), len(d))}
	}
	return d, nil
}

func clipInput(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
