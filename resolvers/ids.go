package resolvers

// The specs type subscription, provider, status and product ids as plain
// strings; every example is a short code ("4", "101", "ST-0001"). They go
// into upstream URL paths, so they are held to a closed character set
// before any call: an id like ".", "..", "a/b" or "%2F" could otherwise
// address another resource ("…/subscriptions/." is unsubscribe-all once a
// router cleans it). Customer ids are MSISDNs (NormalizeMSISDN).
const (
	maxIDLen = 64
	idChars  = "ASCII letters, digits, '-', '_' and '.'"
)

// CheckID returns v if it is a valid id for field, else a BAD_USER_INPUT
// error: 1 to 64 of A-Z a-z 0-9 - _ ., and not made of dots alone.
func CheckID(field, v string) (string, error) {
	if v == "" {
		return "", inputErrorf("%s must not be empty", field)
	}
	if len(v) > maxIDLen {
		return "", inputErrorf("%s must be at most %d characters", field, maxIDLen)
	}
	dots := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		case c == '.':
			dots++
		default:
			return "", inputErrorf("%s %q has a character outside %s", field, clipInput(v), idChars)
		}
	}
	if dots == len(v) {
		return "", inputErrorf("%s must not be a dot segment (%q)", field, v)
	}
	return v, nil
}

// checkIDs checks several name/value pairs in order.
func checkIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if _, err := CheckID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
