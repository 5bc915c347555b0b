package sandbox

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// subsFault answers the Subscriptions scenarios that fail before any work.
func (s *Server) subsFault(w http.ResponseWriter, r *http.Request, op string, c *customer) bool {
	if c == nil {
		apiError(w, r, Subscriptions, op, http.StatusNotFound, "Not Found", "customer not found")
		return true
	}
	if c.id == SlowCustomer {
		sleep(r.Context(), s.opts.SlowDelay)
	}
	return false
}

func requireProvider(w http.ResponseWriter, r *http.Request, op string) (string, bool) {
	p := r.URL.Query().Get("subscriptionProviderId")
	if p == "" {
		apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "subscriptionProviderId is required")
		return "", false
	}
	return p, true
}

func (sub *subscription) render(r *http.Request, customerID string, withLinks bool) map[string]any {
	m := map[string]any{
		"subscriptionId": sub.ID, "subscriptionProviderId": sub.ProviderID, "subscriptionName": sub.Name,
		"subscriptionStatus": sub.Status, "subscriptionType": sub.Type,
		"subscriptionPaymentSource": sub.PaymentSource, "sendSMSNotification": sub.SendSMS, "auto-renew": sub.AutoRenew,
	}
	// The spec's "null" defaults are strings on string properties; absent is
	// the honest rendering of "no value".
	for k, v := range map[string]string{"subscriptionDescription": sub.Description, "subscriptionLength": sub.Length,
		"registrationChannel": sub.Channel, "startDate": sub.Start, "endDate": sub.End, "beneficiaryId": sub.Beneficiary, "email": sub.Email} {
		if v != "" {
			m[k] = v
		}
	}
	if withLinks {
		m["_links"] = link(r, subURL(customerID, sub.ProviderID, sub.ID))
	}
	return m
}

func subURL(customerID, provider, id string) string {
	return Roots[Subscriptions] + "/customers/" + customerID + "/subscriptions/" + id + "?subscriptionProviderId=" + url.QueryEscape(provider)
}

func services(r *http.Request, c *customer, provider string, pick func(*subscription) bool) map[string]any {
	out := map[string]any{}
	for _, p := range c.providers {
		if provider != "" && p != provider {
			continue
		}
		list := []any{}
		for _, sub := range c.subs[p] {
			if pick == nil || pick(sub) {
				list = append(list, sub.render(r, c.id, true))
			}
		}
		if pick != nil && len(list) == 0 {
			continue
		}
		out[p] = map[string]any{"statusCode": "2000", "data": map[string]any{"subscriptions": list},
			"_links": link(r, Roots[Subscriptions]+"/customers/"+c.id+"/subscriptions?subscriptionProviderId="+p)}
	}
	return out
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.list"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	s.mu.Lock()
	svc := services(r, c, r.URL.Query().Get("subscriptionProviderId"), nil)
	s.mu.Unlock()
	status := http.StatusOK
	if c.id == PartialProfileCustomer {
		if _, ok := svc["202"]; ok {
			status = http.StatusMultiStatus
			svc["202"] = map[string]any{"statusCode": "5000", "data": nil}
		}
	}
	writeJSON(w, status, map[string]any{"customerId": c.id, "services": svc})
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.get"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	p, ok := requireProvider(w, r, op)
	if !ok {
		return
	}
	id := r.PathValue("subscriptionId")
	s.mu.Lock()
	svc := services(r, c, p, func(sub *subscription) bool { return sub.ID == id })
	s.mu.Unlock()
	if len(svc) == 0 {
		apiError(w, r, Subscriptions, op, http.StatusNotFound, "Not Found", "subscription not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"customerId": c.id, "services": svc})
}

func (s *Server) provisioningStatus(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.status"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	p, ok := requireProvider(w, r, op)
	if !ok {
		return
	}
	id, statusID := r.PathValue("subscriptionId"), r.PathValue("statusId")
	s.mu.Lock()
	var found *subscription
	for _, sub := range c.subs[p] {
		if sub.ID == id && sub.statusID == statusID {
			found = sub
		}
	}
	var svc map[string]any
	if found != nil {
		s.polls[statusID]++
		if found.pendingPolls > 0 && s.polls[statusID] >= found.pendingPolls {
			found.Status, found.pendingPolls = "Active", 0
		}
		svc = services(r, c, p, func(sub *subscription) bool { return sub == found })
	}
	s.mu.Unlock()
	if found == nil {
		apiError(w, r, Subscriptions, op, http.StatusNotFound, "Not Found", "no provisioning request with that status id")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"customerId": c.id, "services": svc})
}

type subscribeRequest struct {
	SubscriptionID            string `json:"subscriptionId"`
	SubscriptionProviderID    string `json:"subscriptionProviderId"`
	SubscriptionName          string `json:"subscriptionName"`
	SubscriptionStatus        string `json:"subscriptionStatus"`
	SubscriptionDescription   string `json:"subscriptionDescription"`
	SubscriptionType          string `json:"subscriptionType"`
	SubscriptionLength        string `json:"subscriptionLength"`
	RegistrationChannel       string `json:"registrationChannel"`
	StartDate                 string `json:"startDate"`
	EndDate                   string `json:"endDate"`
	SubscriptionPaymentSource string `json:"subscriptionPaymentSource"`
	SendSMSNotification       *bool  `json:"sendSMSNotification"`
	BeneficiaryID             string `json:"beneficiaryId"`
	AutoRenew                 *bool  `json:"auto-renew"`
	Email                     string `json:"email"`
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.subscribe"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	var req subscribeRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "body must be a JSON subscription")
		return
	}
	if req.SubscriptionID == "" || req.SubscriptionProviderID == "" || req.SubscriptionName == "" {
		apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "subscriptionId, subscriptionProviderId and subscriptionName are required")
		return
	}
	if _, known := providerNames[req.SubscriptionProviderID]; !known {
		apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "unknown subscriptionProviderId")
		return
	}
	sub := &subscription{ID: req.SubscriptionID, ProviderID: req.SubscriptionProviderID, Name: req.SubscriptionName,
		Description: req.SubscriptionDescription, Status: or(req.SubscriptionStatus, "Active"), Type: or(req.SubscriptionType, "Adhoc"), Length: req.SubscriptionLength,
		Channel: req.RegistrationChannel, Start: req.StartDate, End: req.EndDate, PaymentSource: or(req.SubscriptionPaymentSource, "Airtime"),
		Beneficiary: req.BeneficiaryID, Email: req.Email, SendSMS: req.SendSMSNotification == nil || *req.SendSMSNotification,
		AutoRenew: req.AutoRenew != nil && *req.AutoRenew}
	async := c.id == AsyncCustomer
	s.mu.Lock()
	for _, existing := range c.subs[sub.ProviderID] {
		if existing.ID == sub.ID {
			s.mu.Unlock()
			apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "the customer already has this subscription")
			return
		}
	}
	if async {
		s.nextSubID++
		sub.Status, sub.pendingPolls, sub.statusID = "Pending", 3, "st"+strconv.Itoa(s.nextSubID)
	}
	c.subs[sub.ProviderID] = append(c.subs[sub.ProviderID], sub)
	s.mu.Unlock()

	if async {
		w.Header().Set("Location", baseURL(r)+Roots[Subscriptions]+"/customers/"+c.id+"/subscriptions/"+sub.ID+"/status/"+sub.statusID+"?subscriptionProviderId="+url.QueryEscape(sub.ProviderID))
		body := map[string]any{"statusCode": 2020, "status": "Pending", "description": "Provisioning in progress; poll the status URL"}
		addInt(body, "subscriptionId", sub.ID)
		addInt(body, "subscriptionProviderId", sub.ProviderID)
		writeJSON(w, http.StatusAccepted, body)
		return
	}
	w.Header().Set("Location", baseURL(r)+subURL(c.id, sub.ProviderID, sub.ID))
	s.mu.Lock()
	body := sub.render(r, c.id, false)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, body)
}

// addInt sets an integer-typed field (Unsubscribe and SubscribeAsync type ids
// as integers); an id that is not a number is left out rather than mistyped.
func addInt(m map[string]any, key, v string) {
	if n, err := strconv.Atoi(v); err == nil {
		m[key] = n
	}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func unsubscribed(sub *subscription, statusCode int, desc string) map[string]any {
	body := map[string]any{"statusCode": statusCode, "status": "Unsubscribe successful", "description": desc}
	addInt(body, "subscriptionId", sub.ID)
	addInt(body, "subscriptionProviderId", sub.ProviderID)
	return body
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.unsubscribe"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	p, ok := requireProvider(w, r, op)
	if !ok {
		return
	}
	id := r.PathValue("subscriptionId")
	s.mu.Lock()
	var removed *subscription
	kept := c.subs[p][:0:0]
	for _, sub := range c.subs[p] {
		if sub.ID == id {
			removed = sub
			continue
		}
		kept = append(kept, sub)
	}
	c.subs[p] = kept
	s.mu.Unlock()
	if removed == nil {
		apiError(w, r, Subscriptions, op, http.StatusNotFound, "Not Found", "subscription not found")
		return
	}
	writeJSON(w, http.StatusOK, unsubscribed(removed, 2000, "Subscription "+id+" removed"))
}

func (s *Server) unsubscribeAll(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.unsubscribeAll"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	p, ok := requireProvider(w, r, op)
	if !ok {
		return
	}
	var cb struct {
		CallbackURL string `json:"callbackUrl"`
		Description string `json:"description"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&cb); err != nil {
			apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "body must be a JSON Callback")
			return
		}
	}
	if cb.CallbackURL != "" && !loopbackURL(cb.CallbackURL) {
		apiError(w, r, Subscriptions, op, http.StatusBadRequest, "Bad Request", "the sandbox only calls back http(s) URLs on loopback hosts")
		return
	}
	s.mu.Lock()
	removed := c.subs[p]
	c.subs[p] = nil
	s.mu.Unlock()
	body := map[string]any{"statusCode": 2000, "status": "Unsubscribe successful",
		"description": strconv.Itoa(len(removed)) + " subscription(s) scheduled for removal; results are posted to the callback URL"}
	addInt(body, "subscriptionProviderId", p)
	writeJSON(w, http.StatusOK, body)
	if cb.CallbackURL == "" {
		return
	}
	for _, sub := range removed {
		payload, _ := json.Marshal(unsubscribed(sub, 2000, "Subscription "+sub.ID+" removed"))
		s.callbacks.Add(1)
		go func() {
			defer s.callbacks.Done()
			resp, err := s.opts.CallbackClient.Post(cb.CallbackURL, "application/json", bytes.NewReader(payload))
			if err == nil {
				_ = resp.Body.Close()
			}
		}()
	}
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) providers(w http.ResponseWriter, r *http.Request) {
	const op = "subscriptions.providers"
	c := s.lookup(r.PathValue("customerId"))
	if s.subsFault(w, r, op, c) {
		return
	}
	svc := map[string]any{}
	for _, p := range c.providers {
		svc[p] = map[string]any{"subscriptionProviderName": providerNames[p][0], "subscriptionProviderDescription": providerNames[p][1],
			"_links": link(r, Roots[Subscriptions]+"/customers/"+c.id+"/subscriptions?subscriptionProviderId="+p)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"customerId": c.id, "services": svc})
}
