package edge

import (
	"net/http"
	"strings"
)

// Client awareness: the app that sends a request names itself in the
// headers Apollo Client, Apollo Kotlin/iOS and Apollo's routers use.
const (
	clientNameHeader    = "apollographql-client-name"
	clientVersionHeader = "apollographql-client-version"
	maxClientNameLen    = 64
)

// clientApp is the app's name and version as sent, cleaned for logs and
// labels: printable ASCII, at most 64 bytes each; "" when not sent.
func clientApp(r *http.Request) (name, version string) {
	return cleanClientName(r.Header.Get(clientNameHeader)), cleanClientName(r.Header.Get(clientVersionHeader))
}

func cleanClientName(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > maxClientNameLen {
		v = v[:maxClientNameLen]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return '_'
		}
		return r
	}, v)
}
