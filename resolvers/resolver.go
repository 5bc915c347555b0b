// Package resolvers implements the customer graph: reads go through the
// per-request dataloaders (package loaders), writes go straight to the
// upstream client because a write must be sent exactly once, never batched
// or cached.
package resolvers

import (
	"github.com/rs/zerolog"

	"customergraph/upstream"
)

// MaxCustomerIDs bounds customers(ids:).
const MaxCustomerIDs = 100

// Resolver is the root resolver; gqlgen creates the typed ones from it.
type Resolver struct {
	Client *upstream.Client
	Log    zerolog.Logger
	// CallbackURL, when set, is passed to unsubscribe-all so the API can
	// post each result back to the facade.
	CallbackURL string
}
