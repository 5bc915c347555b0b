package upstream

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	json "github.com/goccy/go-json"

	"customergraph/customer"
	"customergraph/enum"
	"customergraph/scalar"
)

// SubscriptionsService calls the Customer Subscription Management API v2.4.
type SubscriptionsService struct{ api *api }

// subscriptionWire is a Subscription body as sent.
type subscriptionWire struct {
	ID                  scalar.Text             `json:"subscriptionId"`
	ProviderID          scalar.Text             `json:"subscriptionProviderId"`
	Name                *string                 `json:"subscriptionName"`
	Description         *string                 `json:"subscriptionDescription"`
	Status              enum.SubscriptionStatus `json:"subscriptionStatus"`
	Type                enum.SubscriptionType   `json:"subscriptionType"`
	Length              *string                 `json:"subscriptionLength"`
	RegistrationChannel *string                 `json:"registrationChannel"`
	StartDate           scalar.PartialDateTime  `json:"startDate"`
	EndDate             scalar.PartialDateTime  `json:"endDate"`
	PaymentSource       enum.PaymentSource      `json:"subscriptionPaymentSource"`
	SendSmsNotification *bool                   `json:"sendSMSNotification"`
	BeneficiaryID       *string                 `json:"beneficiaryId"`
	AutoRenew           *bool                   `json:"auto-renew"`
	Email               *string                 `json:"email"`
}

// decodeServices reads the provider-keyed services map. The spec's example
// puts _links beside the provider keys; such non-object members are skipped.
func decodeServices(raw map[string]json.RawMessage, partial bool) ([]customer.ProviderSubscriptions, error) {
	// An empty map is no providers, [] for clients; only an absent one is
	// null.
	var out []customer.ProviderSubscriptions
	if raw != nil {
		out = []customer.ProviderSubscriptions{}
	}
	for id, v := range raw {
		if strings.HasPrefix(id, "_") || isNull(v) && !partial {
			continue
		}
		var w struct {
			Data *struct {
				Subscriptions []subscriptionWire `json:"subscriptions"`
			} `json:"data"`
		}
		if !isNull(v) {
			if err := json.Unmarshal(v, &w); err != nil {
				return nil, err
			}
		}
		p := customer.ProviderSubscriptions{ProviderID: id}
		if w.Data != nil {
			p.Subscriptions = subscriptionsFrom(w.Data.Subscriptions, id)
		} else {
			p.Missing = partial
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ProviderID < out[j].ProviderID })
	return out, nil
}

type servicesWire struct {
	CustomerID string                     `json:"customerId"`
	Services   map[string]json.RawMessage `json:"services"`
}

func (s *SubscriptionsService) list(ctx context.Context, customerID string, c call) (*customer.SubscriptionList, error) {
	var w servicesWire
	c.out, c.method, c.auth = &w, http.MethodGet, authKeyOrToken
	rep, err := s.api.do(ctx, c)
	if err != nil {
		return nil, err
	}
	providers, err := decodeServices(w.Services, rep.status == http.StatusMultiStatus)
	if err != nil {
		return nil, &Error{API: APISubscriptions, Op: c.op, Kind: KindBadResponse, HTTPStatus: rep.status,
			Message: "the services map is not the JSON the spec describes", Err: err, TransactionID: TransactionID(ctx)}
	}
	// Each subscription belongs to the customer asked about, whatever
	// customerId the body names: its global id says whose it is.
	for i := range providers {
		for j := range providers[i].Subscriptions {
			providers[i].Subscriptions[j].CustomerID = customerID
		}
	}
	return &customer.SubscriptionList{CustomerID: w.CustomerID, Providers: providers}, nil
}

// List is GET /customers/{customerId}/subscriptions; providerID may be empty.
func (s *SubscriptionsService) List(ctx context.Context, customerID, providerID string) (*customer.SubscriptionList, error) {
	q := url.Values{}
	if providerID != "" {
		q.Set("subscriptionProviderId", providerID)
	}
	return s.list(ctx, customerID, call{op: "subscriptions.list", path: path("customers", customerID, "subscriptions"), query: q})
}

// Get is GET /customers/{customerId}/subscriptions/{subscriptionId}. The
// spec answers with the provider-keyed list; the one subscription is picked.
func (s *SubscriptionsService) Get(ctx context.Context, customerID, subscriptionID, providerID string) (*customer.VasSubscription, error) {
	l, err := s.list(ctx, customerID, call{op: "subscriptions.get", path: path("customers", customerID, "subscriptions", subscriptionID),
		query: url.Values{"subscriptionProviderId": {providerID}}})
	if err != nil {
		return nil, err
	}
	return pick(l, subscriptionID, "subscriptions.get", ctx)
}

// Status is GET …/subscriptions/{subscriptionId}/status/{statusId}: the
// subscription as provisioning has left it so far. A 202 that named no
// status id leaves only the subscription itself to ask: then it is Get.
func (s *SubscriptionsService) Status(ctx context.Context, customerID, subscriptionID, providerID, statusID string) (*customer.VasSubscription, error) {
	if statusID == "" {
		return s.Get(ctx, customerID, subscriptionID, providerID)
	}
	l, err := s.list(ctx, customerID, call{op: "subscriptions.status", path: path("customers", customerID, "subscriptions", subscriptionID, "status", statusID),
		query: url.Values{"subscriptionProviderId": {providerID}}})
	if err != nil {
		return nil, err
	}
	return pick(l, subscriptionID, "subscriptions.status", ctx)
}

func pick(l *customer.SubscriptionList, id, op string, ctx context.Context) (*customer.VasSubscription, error) {
	for _, p := range l.Providers {
		for i := range p.Subscriptions {
			if p.Subscriptions[i].ID == id {
				return &p.Subscriptions[i], nil
			}
		}
	}
	return nil, &Error{API: APISubscriptions, Op: op, Kind: KindNotFound, HTTPStatus: http.StatusOK,
		Message: "the answer does not contain the subscription", TransactionID: TransactionID(ctx)}
}

// SubscribeRequest is the `subscription` body of a subscribe.
type SubscribeRequest struct {
	SubscriptionID      string `json:"subscriptionId"`
	ProviderID          string `json:"subscriptionProviderId"`
	Name                string `json:"subscriptionName"`
	Description         string `json:"subscriptionDescription,omitempty"`
	Status              string `json:"subscriptionStatus,omitempty"`
	Type                string `json:"subscriptionType,omitempty"`
	Length              string `json:"subscriptionLength,omitempty"`
	RegistrationChannel string `json:"registrationChannel,omitempty"`
	StartDate           string `json:"startDate,omitempty"`
	EndDate             string `json:"endDate,omitempty"`
	PaymentSource       string `json:"subscriptionPaymentSource,omitempty"`
	SendSmsNotification *bool  `json:"sendSMSNotification,omitempty"`
	BeneficiaryID       string `json:"beneficiaryId,omitempty"`
	AutoRenew           *bool  `json:"auto-renew,omitempty"`
	Email               string `json:"email,omitempty"`
}

// provisioningWire is a 202 answer to a subscribe, as sent.
type provisioningWire struct {
	StatusCode     *scalar.Text            `json:"statusCode"`
	SubscriptionID scalar.Text             `json:"subscriptionId"`
	ProviderID     scalar.Text             `json:"subscriptionProviderId"`
	Status         enum.SubscriptionStatus `json:"status"`
	Description    *string                 `json:"description"`
}

// Subscribe is POST /customers/{customerId}/subscriptions. It is never retried.
func (s *SubscriptionsService) Subscribe(ctx context.Context, customerID string, r SubscribeRequest) (*customer.Subscribed, error) {
	// The transaction id is fixed before the call: the pending answer
	// carries it, for the status polls to send again.
	ctx = WithTransactionID(ctx, TransactionID(ctx))
	rep, err := s.api.do(ctx, call{op: "subscriptions.subscribe", method: http.MethodPost, path: path("customers", customerID, "subscriptions"),
		body: r, auth: authKeyOrToken, customer: customerID})
	if err != nil {
		return nil, err
	}
	out := &customer.Subscribed{}
	bad := func(err error) error {
		// The API said yes in a body we cannot read: the subscription may exist.
		return &Error{API: APISubscriptions, Op: "subscriptions.subscribe", Kind: KindOutcomeUnknown, HTTPStatus: rep.status,
			Message: "the subscribe answer is not the JSON the spec describes; it may or may not have taken effect", Err: err, TransactionID: TransactionID(ctx)}
	}
	if rep.status == http.StatusAccepted {
		var w provisioningWire
		if err := json.Unmarshal(rep.body, &w); err != nil {
			return nil, bad(err)
		}
		out.Pending = pendingFrom(w, customerID, r, statusIDFrom(rep.header.Get("Location")))
		out.Pending.TransactionID = TransactionID(ctx)
		return out, nil
	}
	var w subscriptionWire
	if err := json.Unmarshal(rep.body, &w); err != nil {
		return nil, bad(err)
	}
	sub := subscriptionFrom(w)
	sub.CustomerID = customerID
	out.Subscription = &sub
	return out, nil
}

// statusIDFrom takes the statusId from a status URL …/status/{statusId}?….
func statusIDFrom(location string) string {
	u, err := url.Parse(location)
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.TrimRight(u.Path, "/"), "/")
	if len(parts) >= 2 && parts[len(parts)-2] == "status" {
		id, _ := url.PathUnescape(parts[len(parts)-1])
		return id
	}
	return ""
}

// unsubscribeWire is the spec's Unsubscribe body, as sent: the answer of
// both deletes, and what the delete-all callback receives.
type unsubscribeWire struct {
	SubscriptionID scalar.Text            `json:"subscriptionId"`
	ProviderID     scalar.Text            `json:"subscriptionProviderId"`
	StatusCode     scalar.Text            `json:"statusCode"`
	Status         enum.UnsubscribeStatus `json:"status"`
	Description    *string                `json:"description"`
}

// ParseUnsubscribeCallback reads the body the API posts to the delete-all
// callback; one without a status and a statusCode is no Unsubscribe.
func ParseUnsubscribeCallback(raw []byte) (customer.UnsubscribeResult, error) {
	var w unsubscribeWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return customer.UnsubscribeResult{}, err
	}
	if w.Status == "" || w.StatusCode == "" || w.SubscriptionID == "" {
		return customer.UnsubscribeResult{}, errors.New("an Unsubscribe body needs subscriptionId, status and statusCode")
	}
	return unsubscribeFrom(w), nil
}

// Unsubscribe is DELETE …/subscriptions/{subscriptionId}. Never retried.
func (s *SubscriptionsService) Unsubscribe(ctx context.Context, customerID, subscriptionID, providerID string) (*customer.UnsubscribeResult, error) {
	var out unsubscribeWire
	_, err := s.api.do(ctx, call{op: "subscriptions.unsubscribe", method: http.MethodDelete, path: path("customers", customerID, "subscriptions", subscriptionID),
		query: url.Values{"subscriptionProviderId": {providerID}}, auth: authKeyOrToken, out: &out, customer: customerID})
	if err != nil {
		return nil, err
	}
	res := unsubscribeFrom(out)
	// The request says which subscription it removed when the answer does not.
	if res.SubscriptionID == "" {
		res.SubscriptionID = subscriptionID
	}
	if res.ProviderID == "" {
		res.ProviderID = providerID
	}
	return &res, nil
}

// UnsubscribeAll is DELETE …/subscriptions?subscriptionProviderId=…; the
// per-subscription results are POSTed to callbackURL when it is set.
func (s *SubscriptionsService) UnsubscribeAll(ctx context.Context, customerID, providerID, callbackURL string) (*customer.UnsubscribeResult, error) {
	var body any
	if callbackURL != "" {
		body = map[string]string{"callbackUrl": callbackURL, "description": "customer graph unsubscribe-all results"}
	}
	var out unsubscribeWire
	_, err := s.api.do(ctx, call{op: "subscriptions.unsubscribeAll", method: http.MethodDelete, path: path("customers", customerID, "subscriptions"),
		query: url.Values{"subscriptionProviderId": {providerID}}, body: body, auth: authKeyOrToken, out: &out, customer: customerID})
	if err != nil {
		return nil, err
	}
	res := unsubscribeFrom(out)
	return &res, nil
}

// providerWire is a provider entry of the providers' services map.
type providerWire struct {
	Name        *string `json:"subscriptionProviderName"`
	Description *string `json:"subscriptionProviderDescription"`
}

// Providers is GET /customers/{customerId}/subscriptions-providers, ordered by id.
func (s *SubscriptionsService) Providers(ctx context.Context, customerID string) ([]customer.SubscriptionProvider, error) {
	var w servicesWire
	rep, err := s.api.do(ctx, call{op: "subscriptions.providers", method: http.MethodGet, path: path("customers", customerID, "subscriptions-providers"),
		auth: authKeyOrToken, out: &w})
	if err != nil {
		return nil, err
	}
	out := []customer.SubscriptionProvider{}
	for id, v := range w.Services {
		if strings.HasPrefix(id, "_") || isNull(v) {
			continue
		}
		var p providerWire
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, &Error{API: APISubscriptions, Op: "subscriptions.providers", Kind: KindBadResponse, HTTPStatus: rep.status,
				Message: "a provider entry is not the JSON the spec describes", Err: err, TransactionID: TransactionID(ctx)}
		}
		out = append(out, customer.SubscriptionProvider{CustomerID: customerID, ID: id, Name: p.Name, Description: p.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
