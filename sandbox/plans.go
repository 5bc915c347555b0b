package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// plansFault answers the Plans scenarios that fail before any work.
func (s *Server) plansFault(w http.ResponseWriter, r *http.Request, op string, c *customer) bool {
	if c == nil {
		apiError(w, r, Plans, op, http.StatusNotFound, "Not Found", "customer not found")
		return true
	}
	switch c.id {
	case PlansDownCustomer:
		apiError(w, r, Plans, op, http.StatusInternalServerError, "Internal Server Error", "billing system unavailable")
		return true
	case RateLimitedCustomer:
		w.Header().Set("Retry-After", "1")
		apiError(w, r, Plans, op, http.StatusTooManyRequests, "Too Many Requests", "rate limit exceeded")
		return true
	case SlowPlansCustomer:
		sleep(r.Context(), s.opts.SlowDelay)
	case RateLimitedOnce:
		if s.hit("429once") == 1 {
			w.Header().Set("Retry-After", "1")
			apiError(w, r, Plans, op, http.StatusTooManyRequests, "Too Many Requests", "rate limit exceeded")
			return true
		}
	}
	return false
}

func amount(typ, value, unit string) map[string]any {
	return map[string]any{"type": typ, "value": value, "unit": unit}
}

// balances renders the Plans v2 CustomerBalance list, filtered by plan type.
func balances(c *customer, planFilter string, momo, reservations bool) []any {
	exp := c.dateTime()
	mk := func(balanceType, category, detailType, value, unit string, wallets []any) map[string]any {
		return map[string]any{
			"balanceType": balanceType, "expiryDate": exp, "category": category,
			"balanceDetail": map[string]any{"type": detailType, "activeValue": value, "activeUnit": unit, "unusedValue": "0", "unusedUnit": unit},
			"wallets":       wallets,
		}
	}
	wallet := func(name, typ, value, unit string) any {
		return map[string]any{"name": name, "status": "Active", "expiryDate": exp, "amount": amount(typ, value, unit)}
	}
	all := []struct {
		filter string
		b      map[string]any
	}{
		{"", mk("AIRTIME", "Main", "CURRENCY", cents(c.airtime), c.currency, []any{wallet("Main airtime", "CURRENCY", cents(c.airtime), c.currency)})},
		{"DATA", mk("DATA", "Bundle", "DATA", strconv.FormatInt(c.dataMB, 10), "MB", []any{
			wallet("DATA1GB", "DATA", strconv.FormatInt(c.dataMB/2, 10), "MB"), wallet("DATANIGHT", "DATA", strconv.FormatInt(c.dataMB-c.dataMB/2, 10), "MB")})},
		{"VOICE", mk("VOICE", "Bundle", "MINUTES", strconv.FormatInt(c.minutes, 10), "MINUTES", []any{wallet("VOICE100", "MINUTES", strconv.FormatInt(c.minutes, 10), "MINUTES")})},
		{"SMS", mk("SMS", "Bundle", "SMS", strconv.FormatInt(c.sms, 10), "SMS", []any{wallet("SMS50", "SMS", strconv.FormatInt(c.sms, 10), "SMS")})},
	}
	out := []any{}
	for _, e := range all {
		if planFilter == "" || planFilter == e.filter {
			out = append(out, e.b)
		}
	}
	if momo {
		mb := map[string]any{
			"balance": amount("CURRENCY", cents(c.airtime*3+12_345), c.currency),
			"loyaltyInformation": map[string]any{
				"generatedAmount": amount("CURRENCY", "12.00", c.currency), "consumedAmount": amount("CURRENCY", "2.00", c.currency), "newBalance": amount("CURRENCY", "10.00", c.currency),
			},
			"overdraft": map[string]any{
				"balance": amount("CURRENCY", "0.00", c.currency), "limit": amount("CURRENCY", "500.00", c.currency),
				"accessFee": amount("CURRENCY", "5.00", c.currency), "interest": amount("CURRENCY", "1.50", c.currency),
			},
		}
		if reservations {
			mb["positiveReservations"] = amount("CURRENCY", "25.00", c.currency)
			mb["negativeReservations"] = amount("CURRENCY", "10.50", c.currency)
		}
		b := mk("MOMO", "MobileMoney", "CURRENCY", cents(c.airtime*3+12_345), c.currency, []any{wallet("MoMo wallet", "CURRENCY", cents(c.airtime*3+12_345), c.currency)})
		b["momoBalanceData"] = mb
		out = append(out, b)
	}
	return out
}

func planBody(r *http.Request, c *customer, bal []any) map[string]any {
	offerDate := "2026-02-05T16:08:08+05:30"
	if c.odd {
		offerDate = "20210205T16:08:08+0530"
	}
	return map[string]any{
		"_link": link(r, Roots[Plans]+"/customers/"+c.id+"/plans"),
		"data": map[string]any{
			"type": c.planType, "status": c.planStatus, "startDate": startDate(c), "endDate": "2027-04-12T14:31:21.810Z",
			"language": "en", "tariffPlan": c.tariff, "balance": bal,
			"offers": map[string]any{"offerId": "123456", "offerType": "2", "startDate": offerDate, "expiryDate": offerDate, "expiryDateValue": "53402237800000"},
		},
	}
}

func (s *Server) getPlans(w http.ResponseWriter, r *http.Request) {
	const op = "plans.getPlans"
	c := s.lookup(r.PathValue("customerId"))
	if s.plansFault(w, r, op, c) {
		return
	}
	q := r.URL.Query()
	plan := q.Get("plan")
	if plan != "" && plan != "VOICE" && plan != "DATA" && plan != "SMS" {
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "plan must be VOICE, DATA or SMS")
		return
	}
	momo, err1 := optBool(q.Get("momo"))
	res, err2 := optBool(q.Get("includeReservations"))
	if err1 != nil || err2 != nil {
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "momo and includeReservations must be true or false")
		return
	}
	s.mu.Lock()
	body := planBody(r, c, balances(c, plan, momo, momo && res))
	s.mu.Unlock()
	if c.id == PartialPlansCustomer {
		body["data"].(map[string]any)["balance"] = nil
		writeJSON(w, http.StatusMultiStatus, body)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func optBool(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	return strconv.ParseBool(v)
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	const op = "plans.getPlan"
	c := s.lookup(r.PathValue("customerId"))
	if s.plansFault(w, r, op, c) {
		return
	}
	code := r.PathValue("productCode")
	s.mu.Lock()
	var found []any
	for _, b := range balances(c, "", false, false) {
		for _, wl := range b.(map[string]any)["wallets"].([]any) {
			if wl.(map[string]any)["name"] == code {
				found = append(found, b)
				break
			}
		}
	}
	body := planBody(r, c, found)
	s.mu.Unlock()
	if len(found) == 0 {
		apiError(w, r, Plans, op, http.StatusNotFound, "Not Found", "unknown product code")
		return
	}
	if c.id == PartialPlansCustomer {
		body["data"].(map[string]any)["balance"] = nil
		writeJSON(w, http.StatusMultiStatus, body)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

type refillRequest struct {
	RefillType            string `json:"refillType"`
	VoucherActivationCode string `json:"voucherActivationCode"`
	RefillProfileID       string `json:"refillProfileId"`
	TransactionAmount     string `json:"transactionAmount"`
}

// voucherValue is what any voucher in the sandbox is worth, in cents.
const voucherValue = 50_00

func (s *Server) refill(w http.ResponseWriter, r *http.Request) {
	const op = "plans.refill"
	c := s.lookup(r.PathValue("customerId"))
	if s.plansFault(w, r, op, c) {
		return
	}
	var req refillRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "body must be a JSON refillRequest")
		return
	}
	var credit int64
	switch req.RefillType {
	case "voucher":
		if strings.TrimSpace(req.VoucherActivationCode) == "" {
			apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "voucherActivationCode is required for voucher refills")
			return
		}
		credit = voucherValue
	case "voucherless":
		v, ok := parseCents(req.TransactionAmount)
		if req.RefillProfileID == "" || !ok || v == 0 {
			apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "refillProfileId and a positive transactionAmount are required for voucherless refills")
			return
		}
		credit = v
	case "":
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "refillType is required")
		return
	default:
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "refillType must be voucher or voucherless")
		return
	}
	s.mu.Lock()
	c.airtime += credit
	s.mu.Unlock()
	if c.id == SlowRefillCustomer {
		sleep(r.Context(), s.opts.SlowDelay)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"statusCode": "0000", "statusMessage": "Successful",
		"data":  map[string]any{"amount": cents(credit), "currencyCode": c.currency},
		"_link": link(r, Roots[Plans]+"/customers/"+c.id+"/plans/refill"),
	})
}

type premiumRequest struct {
	Amount              *struct{ Value, Type, Unit string } `json:"amount"`
	TransactionID       string                              `json:"transactionId"`
	AccountHolderID     string                              `json:"accountHolderId"`
	QuoteID             string                              `json:"quoteId"`
	ReceivingCustomerID string                              `json:"receivingCustomerId"`
	Product             string                              `json:"product"`
	TransactionType     string                              `json:"transactionType"`
	Message             string                              `json:"message"`
}

func (s *Server) requestPremium(w http.ResponseWriter, r *http.Request) {
	const op = "plans.requestPremium"
	c := s.lookup(r.PathValue("customerId"))
	if s.plansFault(w, r, op, c) {
		return
	}
	var req premiumRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "body must be a JSON PremiumRequest")
		return
	}
	if req.Amount == nil || req.TransactionID == "" || req.ReceivingCustomerID == "" || req.Product == "" || req.TransactionType == "" {
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "receivingCustomerId, transactionId, product, amount and transactionType are required")
		return
	}
	v, ok := parseCents(req.Amount.Value)
	if !ok {
		apiError(w, r, Plans, op, http.StatusBadRequest, "Bad Request", "amount.value must be a decimal")
		return
	}
	premium := v * 5 / 100 // 5 %, in cents
	writeJSON(w, http.StatusOK, map[string]any{
		"originReferenceId": "PRM-" + req.TransactionID,
		"statusCode":        "0000",
		"data": map[string]any{
			"message": "Premium calculated for " + req.Product,
			"premium": amount(req.Amount.Type, cents(premium), req.Amount.Unit),
			"loyaltyInformation": map[string]any{
				"generatedAmount": amount(req.Amount.Type, cents(premium/10), req.Amount.Unit),
				"consumedAmount":  amount(req.Amount.Type, "0.00", req.Amount.Unit),
				"newBalance":      amount(req.Amount.Type, cents(premium/10), req.Amount.Unit),
			},
		},
		"link": link(r, Roots[Plans]+"/customers/"+c.id+"/plans"),
	})
}
