// Package globalid makes the ids the schema gives its objects: globally
// unique, stable and opaque, as the GraphQL Global Object Identification
// spec asks and as Relay, Apollo Client and urql key their caches. An id
// is the object's type and the upstream keys that address it, each
// query-escaped (so that a ':' inside a key is no separator), joined by
// ':' and base64url-encoded.
package globalid

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
)

// The types that have a global id: each is a GraphQL type name.
const (
	Customer             = "Customer"
	VasSubscription      = "VasSubscription"
	SubscriptionProvider = "SubscriptionProvider"
	PendingProvisioning  = "PendingProvisioning"
)

// keys is how many upstream keys each type's id carries.
var keys = map[string]int{
	Customer:             1, // MSISDN
	VasSubscription:      3, // MSISDN, provider id, subscription id
	SubscriptionProvider: 2, // MSISDN, provider id
	PendingProvisioning:  5, // MSISDN, subscription id, provider id, status id, subscribe's transactionId
}

// maxLen bounds what Parse decodes: the longest id it makes is well below.
const maxLen = 512

// ErrMalformed is returned by Parse for a string no Encode made.
var ErrMalformed = errors.New("not an id this API gave out")

// Encode is the id of the object of type typ addressed by keys.
func Encode(typ string, key ...string) string {
	parts := []string{typ}
	for _, k := range key {
		parts = append(parts, url.QueryEscape(k))
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, ":")))
}

// Parse reads an id Encode made: its type and keys. The keys are as the
// id holds them: callers check each as they would a key given on its own.
func Parse(id string) (typ string, key []string, err error) {
	if len(id) > maxLen {
		return "", nil, ErrMalformed
	}
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", nil, ErrMalformed
	}
	parts := strings.Split(string(b), ":")
	n, ok := keys[parts[0]]
	if !ok || len(parts)-1 != n {
		return "", nil, ErrMalformed
	}
	for i, k := range parts[1:] {
		if parts[i+1], err = url.QueryUnescape(k); err != nil {
			return "", nil, ErrMalformed
		}
	}
	return parts[0], parts[1:], nil
}
