// Package resolvers implements the customer graph: reads go through the
// per-request dataloaders (package loaders), writes go straight to the
// upstream client because a write must be sent exactly once, never batched
// or cached.
package resolvers

import (
	"time"

	"github.com/rs/zerolog"

	"customergraph/callbacks"
	"customergraph/limits"
	"customergraph/upstream"
)

// MaxCustomerIDs bounds customers(ids:).
const MaxCustomerIDs = 100

// Resolver is the root resolver; gqlgen creates the typed ones from it.
type Resolver struct {
	Client *upstream.Client
	Log    zerolog.Logger
	// Callbacks matches unsubscribe-all results to their requests.
	Callbacks *callbacks.Registry
	// Streams bounds live subscriptions.
	Streams *limits.Streams
	// StreamTimeout ends a subscription that has not completed on its own.
	StreamTimeout time.Duration
	// PollInterval is the first wait between provisioning polls; it grows
	// by half each poll, up to ten times itself.
	PollInterval time.Duration
}
