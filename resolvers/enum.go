package resolvers

import "customergraph/enum"

// upstreamEnum maps a GraphQL enum value back to the spelling an upstream
// API expects, from that API's list of values.
func upstreamEnum[T ~string](v T, values ...string) string {
	for _, s := range values {
		if enum.Name(s) == string(v) {
			return s
		}
	}
	return string(v)
}
