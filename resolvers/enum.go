package resolvers

import (
	"strings"
	"unicode"
)

// enum maps an upstream enum string ("RICA Barred", "MobileMoney",
// "Unsubscribe successful", "month") to its GraphQL value (RICA_BARRED,
// MOBILE_MONEY, UNSUBSCRIBE_SUCCESSFUL, MONTH). A value outside the schema's
// enum is null rather than an invalid enum that would break typed clients.
func enum[T interface {
	~string
	IsValid() bool
}](raw string) *T {
	if raw == "" {
		return nil
	}
	v := T(enumName(raw))
	if !v.IsValid() {
		return nil
	}
	return &v
}

func enumName(raw string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range strings.TrimSpace(raw) {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
			prevLower = unicode.IsLower(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLower = false
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// upstreamEnum maps a GraphQL enum value back to the spelling an upstream
// API expects, from that API's list of values.
func upstreamEnum[T ~string](v T, values ...string) string {
	for _, s := range values {
		if enumName(s) == string(v) {
			return s
		}
	}
	return string(v)
}
