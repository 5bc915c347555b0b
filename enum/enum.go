// Package enum holds the schema's output enums as Go string types. Upstream
// bodies decode straight into them ("RICA Barred", "MobileMoney",
// "Unsubscribe successful"), and they marshal as the schema's values
// (RICA_BARRED, …). Being plain fields rather than resolvers, they cost no
// goroutine per field, which gqlgen spends on every resolver.
package enum

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

type set map[string]bool

func values(vs ...string) set {
	s := set{}
	for _, v := range vs {
		s[v] = true
	}
	return s
}

// Name maps an upstream spelling to the GraphQL enum spelling.
func Name(raw string) string {
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

// marshal writes the GraphQL value of raw, or null when the schema lacks it:
// an unknown value must not break typed clients.
func marshal(w io.Writer, raw string, valid set) {
	n := Name(raw)
	if raw == "MoMo" { // the Subscription spec's prose spelling of MobileMoney
		n = "MOBILE_MONEY"
	}
	if !valid[n] {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(n))
}

func unmarshal(x any, dst *string, valid set) error {
	s, ok := x.(string)
	if !ok || !valid[s] {
		return fmt.Errorf("%v is not a valid value", x)
	}
	*dst = s
	return nil
}

// Valid reports whether raw maps to a value of the schema (nil fields
// marshal as null anyway).
func (s set) Valid(raw string) bool { return s[Name(raw)] }
