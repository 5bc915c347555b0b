// Package loaders holds the per-request dataloaders through which every
// resolver reads upstream data. One loader per upstream read operation;
// keys are chosen so that a query costs the fewest upstream calls: equal
// keys (aliases, repeated customers) share one call, and the profile is
// fetched once per customer with the propset the whole selection needs.
package loaders

import (
	"context"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"customergraph/calltrace"
	"customergraph/customer"
	"customergraph/upstream"
)

// Wait is how long a loader collects keys before calling upstream. gqlgen
// resolves sibling fields concurrently, so 1 ms gathers them all; the
// library's 16 ms default would add 16 ms to every level of every query.
const Wait = time.Millisecond

// Fanout bounds the parallel upstream calls one batch makes (none of the
// APIs has a batch endpoint). It equals the largest batch, so a full
// customers(ids:) list goes out in one wave; the upstream client's per-API
// concurrency bound (MTN_MAX_CONCURRENCY) is what protects the APIs.
const Fanout = 100

// ProfileKey asks for a customer profile; Full selects propset=full.
type ProfileKey struct {
	ID   string
	Full bool
}

// PlansKey asks for GET plans with one set of filters.
type PlansKey struct {
	ID    string
	Query upstream.PlansQuery
}

// ProductKey asks for GET plans/{productCode}.
type ProductKey struct{ ID, ProductCode string }

// SubscriptionsKey asks for a customer's subscriptions, optionally of one provider.
type SubscriptionsKey struct{ ID, ProviderID string }

// SubscriptionKey asks for one subscription.
type SubscriptionKey struct{ ID, SubscriptionID, ProviderID string }

// StatusKey asks for the provisioning status of a subscription; the poll
// sends TransactionID, the subscribe request's, when it is known.
type StatusKey struct{ ID, SubscriptionID, ProviderID, StatusID, TransactionID string }

// AccountholderKey asks for an accountholder profile.
type AccountholderKey struct {
	ID            string
	IncludeOffnet bool
}

// Loaders are created per operation and live in its context.
type Loaders struct {
	Profile       *Lazy[ProfileKey, *upstream.Profile]
	Plans         *Lazy[PlansKey, *customer.Plans]
	Product       *Lazy[ProductKey, *customer.Plans]
	Subscriptions *Lazy[SubscriptionsKey, *customer.SubscriptionList]
	Subscription  *Lazy[SubscriptionKey, *customer.VasSubscription]
	Status        *Lazy[StatusKey, *customer.VasSubscription]
	Providers     *Lazy[string, []customer.SubscriptionProvider]
	Accountholder *Lazy[AccountholderKey, *customer.Accountholder]
	Validation    *Lazy[string, *customer.AccountholderValidation]

	fullProfiles struct {
		once sync.Once
		ids  map[string]bool
	}
}

// FullProfiles returns, computing it once per operation, the customers
// whose full profile some part of the operation reads.
func (l *Loaders) FullProfiles(compute func() map[string]bool) map[string]bool {
	l.fullProfiles.once.Do(func() { l.fullProfiles.ids = compute() })
	return l.fullProfiles.ids
}

// Lazy builds its dataloader on first use: most operations use two or
// three of the nine, and building all of them cost a tenth of a small
// query's CPU.
type Lazy[K comparable, V any] struct {
	name     string
	resource func(K) any // the upstream resource a key reads, for call traces
	once     sync.Once
	build    func() *dataloader.Loader[K, V]
	l        *dataloader.Loader[K, V]
}

// Load is dataloader.Loader.Load; with a call trace, it notes which
// GraphQL paths need the key's resource.
func (z *Lazy[K, V]) Load(ctx context.Context, key K) dataloader.Thunk[V] {
	z.once.Do(func() { z.l = z.build() })
	if t := calltrace.From(ctx); t != nil {
		t.Demand(z.name, z.resource(key), calltrace.Paths(ctx))
	}
	return z.l.Load(ctx, key)
}

func lazy[K comparable, V any](name string, build func() *dataloader.Loader[K, V]) *Lazy[K, V] {
	return &Lazy[K, V]{name: name, resource: func(k K) any { return k }, build: build}
}

// BatchObserver is told the size of every batch a loader sends.
type BatchObserver func(loader string, keys int)

// New returns fresh loaders over c; observe may be nil, and so may tracer
// (then batches make no spans).
func New(c *upstream.Client, observe BatchObserver, tracer trace.Tracer) *Loaders {
	if observe == nil {
		observe = func(string, int) {}
	}
	b := batches{observe: observe, tracer: tracer}
	profile := lazy("profile", func() *dataloader.Loader[ProfileKey, *upstream.Profile] {
		return dataloader.NewBatchedLoader(observed(b, "profile", profileBatch(c.Profiles)), opts[ProfileKey, *upstream.Profile]()...)
	})
	// A basic and a full profile of one customer are one call (propset=full).
	profile.resource = func(k ProfileKey) any { return k.ID }
	return &Loaders{
		Profile: profile,
		Plans: newLoader(b, "plans", func(ctx context.Context, k PlansKey) (*customer.Plans, error) {
			return c.Plans.Get(ctx, k.ID, k.Query)
		}),
		Product: newLoader(b, "product", func(ctx context.Context, k ProductKey) (*customer.Plans, error) {
			return c.Plans.GetProduct(ctx, k.ID, k.ProductCode)
		}),
		Subscriptions: newLoader(b, "subscriptions", func(ctx context.Context, k SubscriptionsKey) (*customer.SubscriptionList, error) {
			return c.Subscriptions.List(ctx, k.ID, k.ProviderID)
		}),
		Subscription: newLoader(b, "subscription", func(ctx context.Context, k SubscriptionKey) (*customer.VasSubscription, error) {
			return c.Subscriptions.Get(ctx, k.ID, k.SubscriptionID, k.ProviderID)
		}),
		Status: newLoader(b, "status", func(ctx context.Context, k StatusKey) (*customer.VasSubscription, error) {
			return c.Subscriptions.Status(upstream.WithTransactionID(ctx, k.TransactionID), k.ID, k.SubscriptionID, k.ProviderID, k.StatusID)
		}),
		Providers: newLoader(b, "providers", c.Subscriptions.Providers),
		Accountholder: newLoader(b, "accountholder", func(ctx context.Context, k AccountholderKey) (*customer.Accountholder, error) {
			return c.Accountholders.Get(ctx, k.ID, k.IncludeOffnet)
		}),
		Validation: newLoader(b, "validation", c.Accountholders.Validate),
	}
}

// batches observes every batch a loader sends: its size for metrics and,
// with a tracer, a span that the batch's upstream calls are children of.
type batches struct {
	observe BatchObserver
	tracer  trace.Tracer
}

func observed[K comparable, V any](b batches, name string, f dataloader.BatchFunc[K, V]) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		b.observe(name, len(keys))
		if b.tracer != nil {
			var span trace.Span
			ctx, span = b.tracer.Start(ctx, "dataloader "+name, trace.WithAttributes(
				attribute.String("dataloader.name", name), attribute.Int("dataloader.batch.size", len(keys))))
			defer span.End()
		}
		return f(ctx, keys)
	}
}

func opts[K comparable, V any]() []dataloader.Option[K, V] {
	return []dataloader.Option[K, V]{dataloader.WithWait[K, V](Wait), dataloader.WithBatchCapacity[K, V](100)}
}

func newLoader[K comparable, V any](b batches, name string, fetch func(context.Context, K) (V, error)) *Lazy[K, V] {
	return lazy(name, func() *dataloader.Loader[K, V] {
		return dataloader.NewBatchedLoader(observed(b, name, fanOut(name, fetch)), opts[K, V]()...)
	})
}

// fanOut turns a one-key fetch into a batch function that calls upstream
// for each key in parallel, at most Fanout at a time.
func fanOut[K comparable, V any](name string, fetch func(context.Context, K) (V, error)) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		out := make([]*dataloader.Result[V], len(keys))
		traced := calltrace.From(ctx) != nil
		if len(keys) == 1 { // the common case: no goroutine needed
			if traced {
				ctx = calltrace.Serving(ctx, name, 1, keys[0])
			}
			v, err := fetch(ctx, keys[0])
			out[0] = &dataloader.Result[V]{Data: v, Error: err}
			return out
		}
		sem := make(chan struct{}, Fanout)
		var wg sync.WaitGroup
		for i, k := range keys {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				ctx := ctx
				if traced {
					ctx = calltrace.Serving(ctx, name, len(keys), k)
				}
				v, err := fetch(ctx, k)
				out[i] = &dataloader.Result[V]{Data: v, Error: err}
			}()
		}
		wg.Wait()
		return out
	}
}

// profileBatch fetches each customer once: with propset=full if any key of
// the batch needs it (a full profile answers basic fields too).
func profileBatch(s *upstream.ProfilesService) dataloader.BatchFunc[ProfileKey, *upstream.Profile] {
	return func(ctx context.Context, keys []ProfileKey) []*dataloader.Result[*upstream.Profile] {
		full := map[string]bool{}
		var ids []string
		for _, k := range keys {
			if _, seen := full[k.ID]; !seen {
				ids = append(ids, k.ID)
			}
			full[k.ID] = full[k.ID] || k.Full
		}
		byID := fanOut("profile", func(ctx context.Context, id string) (*upstream.Profile, error) {
			ps := upstream.PropsetBasic
			if full[id] {
				ps = upstream.PropsetFull
			}
			return s.Get(ctx, id, ps)
		})(ctx, ids)
		res := map[string]*dataloader.Result[*upstream.Profile]{}
		for i, id := range ids {
			res[id] = byID[i]
		}
		out := make([]*dataloader.Result[*upstream.Profile], len(keys))
		for i, k := range keys {
			out[i] = res[k.ID]
		}
		return out
	}
}

type ctxKey struct{}

// For returns the request's loaders.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// With attaches loaders to ctx.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}
