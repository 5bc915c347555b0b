package resolvers

import (
	"context"

	"customergraph/loaders"
	"customergraph/upstream"
)

// fullProfile loads the full profile and turns a 207 hole in part into an
// UPSTREAM_PARTIAL error for the field that needs it.
func fullProfile(ctx context.Context, id, part string) (*upstream.Profile, error) {
	p, err := loaders.For(ctx).Profile.Load(ctx, loaders.ProfileKey{ID: id, Full: true})()
	if err != nil {
		return nil, err
	}
	if p.IsMissing(part) {
		return nil, partial(ctx, upstream.APIProfiles, "profiles.getCustomer", part)
	}
	return p, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
