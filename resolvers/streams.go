package resolvers

import (
	"context"
	"time"

	"customergraph/customer"
	"customergraph/enum"
	"customergraph/upstream"
)

// terminal reports whether a provisioning status will change no more.
func terminal(status enum.SubscriptionStatus) bool {
	n := enum.Name(string(status))
	return n == "ACTIVE" || n == "INACTIVE"
}

// transient reports whether polling should go on after err.
func transient(err error) bool {
	k := upstream.KindOf(err)
	return k == upstream.KindUnavailable || k == upstream.KindRateLimited
}

// pollProvisioning pushes first, then each change of status, until the
// status is terminal, a non-transient error occurs, or ctx ends.
func (r *Resolver) pollProvisioning(ctx context.Context, first *customer.VasSubscription, get func(context.Context) (*customer.VasSubscription, error), out chan<- *customer.VasSubscription) {
	defer close(out)
	select {
	case out <- first:
	case <-ctx.Done():
		return
	}
	last, wait := first.Status, r.PollInterval
	for !terminal(last) {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(wait*3/2, r.PollInterval*10)
		sub, err := get(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !transient(err) {
				r.Log.Warn().Ctx(ctx).Err(err).Str("transactionId", upstream.TransactionID(ctx)).Msg("provisioning stream ended")
				endStreamWith(ctx, ErrorPresenter(r.Log)(ctx, err))
				return
			}
			continue
		}
		if sub.Status != last {
			select {
			case out <- sub:
			case <-ctx.Done():
				return
			}
			last = sub.Status
		}
	}
}
