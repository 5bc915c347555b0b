package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func link(r *http.Request, path string) map[string]any {
	return map[string]any{"self": map[string]any{"href": baseURL(r) + path}}
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customerId")
	const op = "profiles.getCustomer"
	propset := r.URL.Query().Get("propset")
	if propset != "" && propset != "basic" && propset != "full" {
		apiError(w, r, Profiles, op, http.StatusBadRequest, "invalid_request", "propset must be basic or full")
		return
	}
	c := s.lookup(id)
	if c == nil {
		apiError(w, r, Profiles, op, http.StatusNotFound, "", "")
		return
	}
	root := Roots[Profiles] + "/customers/" + id
	switch id {
	case TruncatedCustomer:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"customerId":"%s","locations":{"data":{"country":"ZA","oper`, id)
		return
	case HugeBodyCustomer:
		s.writeHuge(w, id)
		return
	}
	body := map[string]any{
		"customerId": id,
		"_links":     link(r, root),
		"locations":  map[string]any{"_link": link(r, root+"/locations")},
		"plans":      map[string]any{"_link": link(r, root+"/plans")},
		"loans":      map[string]any{"_link": link(r, root+"/loans")},
	}
	status := http.StatusOK
	if propset == "full" {
		s.mu.Lock()
		fillProfile(body, c, r, root)
		s.mu.Unlock()
		if id == PartialProfileCustomer {
			status = http.StatusMultiStatus
			body["plans"].(map[string]any)["data"] = nil
			body["kyc"] = nil
		}
	}
	writeJSON(w, status, body)
}

func fillProfile(body map[string]any, c *customer, r *http.Request, root string) {
	body["locations"].(map[string]any)["data"] = map[string]any{"country": "ZA", "operator": "MTN"}
	body["plans"].(map[string]any)["data"] = map[string]any{
		"type": c.planType, "status": c.planStatus,
		"startDate": startDate(c), "endDate": "2027-04-12T14:31:21.810Z",
		"balance": []any{
			map[string]any{"data": map[string]any{"balanceType": "AIRTIME", "amount": strconv.FormatInt(c.airtime, 10), "currency": c.currency, "expiryDate": c.dateTime()}},
			map[string]any{"data": map[string]any{"balanceType": "VOICE", "amount": strconv.FormatInt(c.minutes, 10), "currency": c.currency, "expiryDate": c.dateTime()}},
		},
	}
	status := []string{"ELIGIBLE", "NE_LOAN", "NE_TCL_REACHED"}[c.n%3]
	if c.id == HappyCustomer {
		status = "ELIGIBLE"
	}
	body["loans"].(map[string]any)["data"] = map[string]any{
		// Loans.required names customerId without declaring it; sending it keeps the body valid.
		"customerId":    c.id,
		"_link":         []any{link(r, root+"/loans")},
		"status":        []string{"COMPLETED", "INITED", "FAILED"}[c.n%3],
		"transactionId": "LN" + c.id[len(c.id)-6:],
		// Eligibility is defined by the spec but referenced nowhere; the sandbox
		// serves it here, inside the loans data it describes.
		"eligibility": map[string]any{
			"_links": []any{map[string]any{"href": baseURL(r) + root + "/loans/eligibility", "rel": "self"}},
			"bands":  []any{map[string]any{"bandGroup": 1, "bandName": "Bronze"}, map[string]any{"bandGroup": 2, "bandName": "Silver"}},
			"status": status,
		},
	}
	body["account"] = []any{
		map[string]any{"data": map[string]any{"accountName": "MoMo", "accountId": "MOMO-" + c.id, "description": "Mobile Money wallet", "status": "active"},
			"_links": map[string]any{"self": map[string]any{"href": baseURL(r) + root + "/accounts/momo", "type": "GET"}}},
		map[string]any{"data": map[string]any{"accountName": "Airtime", "accountId": "AIR-" + c.id, "description": "Prepaid airtime account", "status": []string{"active", "inactive"}[c.n%2]},
			"_links": map[string]any{"self": map[string]any{"href": baseURL(r) + root + "/accounts/airtime", "type": "GET"}}},
	}
	kyc := []any{
		map[string]any{"data": map[string]any{"idType": "South African ID", "idNumber": "80021439" + c.id[len(c.id)-5:], "dateOfBirth": "1980-02-14", "gender": []string{"Male", "Female"}[c.n%2], "firstName": "Thandi " + c.num(1, 90), "lastName": "Nkosi"}, "_link": link(r, root+"/kyc/1")},
		map[string]any{"data": map[string]any{"idType": "Passport", "idNumber": "A" + c.id[len(c.id)-8:], "dateOfBirth": "1980-02-14", "gender": []string{"Male", "Female"}[c.n%2], "firstName": "Thandi " + c.num(1, 90), "lastName": "Nkosi"}, "_link": link(r, root+"/kyc/2")},
	}
	if c.id == HappyCustomer {
		kyc = append(kyc, map[string]any{"data": map[string]any{"idType": "Driving Licence", "idNumber": "DL-77120", "dateOfBirth": "1980-02-14", "gender": "Female", "firstName": "Thandi", "lastName": "Nkosi"}, "_link": link(r, root+"/kyc/3")})
	}
	body["kyc"] = kyc
	body["devices"] = []any{map[string]any{
		"data": map[string]any{
			"devices": []any{
				map[string]any{"deviceId": "dev-" + c.id[len(c.id)-4:] + "-1", "deviceMake": "Apple iPhone X", "IMSI": "6550100" + c.id[len(c.id)-8:], "IMEI": "9900008624" + c.id[len(c.id)-5:]},
				map[string]any{"deviceId": "dev-" + c.id[len(c.id)-4:] + "-2", "deviceMake": "Samsung Galaxy A14", "IMSI": "6550101" + c.id[len(c.id)-8:], "IMEI": "3520990012" + c.id[len(c.id)-5:]},
			},
			"timePeriods":   map[string]any{"unit": "month", "value": "6"},
			"numberOfIMSIs": "2", "numberOfIMEIs": "2",
			"primaryUCID": "UC" + c.id, "primaryUSID": "US" + c.id, "secondaryUCID": "UC2" + c.id, "secondaryUSID": "US2" + c.id,
		},
		"_links": link(r, root+"/devices"),
	}}
	body["transactions-summaries"] = summaries(c)
}

func startDate(c *customer) string {
	if c.odd {
		return "2019-12-31T12:00:00"
	}
	return "2019-04-12T14:31:21.810Z"
}

func summaries(c *customer) map[string]any {
	three := func(prefix string, salt int) map[string]any {
		return map[string]any{prefix + "-1months": c.num(salt, 20), prefix + "-3months": c.num(salt+1, 60), prefix + "-6months": c.num(salt+2, 120)}
	}
	money := func(name, qty, amt string, salt int) map[string]any {
		return map[string]any{
			"last" + name + "Date": c.date(), "max" + name + "-6months": c.num(salt, 5000) + ".00",
			"quantities": three("numberOf"+qty, salt+1), "amounts": three(amt, salt+4), "acceptors": three("numberOfAcceptors", salt+7),
		}
	}
	periods := func(total, qty, max string, salt int) map[string]any {
		p := func(s int) map[string]any {
			return map[string]any{total: c.num(s, 9000) + ".00", "totalAcceptors": c.num(s+1, 30), qty: c.num(s+2, 40)}
		}
		six := p(salt + 6)
		six[max] = c.num(salt+9, 3000) + ".00"
		return map[string]any{"1-months": p(salt), "3-months": p(salt + 3), "6-months": six}
	}
	received := map[string]any{"lastReceivedDate": c.date(), "time-periods": periods("totalReceived", "quantityReceived", "maxReceived", 40)}
	transfers := map[string]any{"lastTransfersDate": c.date(), "time-periods": periods("totalTransfers", "quantityTransfers", "maxTransfers", 50)}
	return map[string]any{
		"requestId": "req-" + c.id,
		"dateRange": "2026-05-01/2026-10-31",
		"data": map[string]any{
			"marketingFlag": c.n%2 == 0,
			"lendingFlag":   c.n%3 != 0,
			"momo": map[string]any{
				"withdrawals":  money("Withdrawals", "Withdrawals", "totalWithdrawalsAmounts", 1),
				"deposits":     money("Deposits", "Deposits", "amountOfDeposits", 11),
				"billPayments": money("BillPayments", "BillPayments", "amountOfBillPayments", 21),
				"send":         money("Send", "Send", "amountOfSend", 31),
				"received":     received,
				"transfers":    transfers,
			},
			"gsm": map[string]any{"activity": map[string]any{
				"daysSinceLastActive": c.num(60, 10), "topupMethod": "Voucher",
				"time-periods": map[string]any{"1-months": map[string]any{
					"numberOfActiveDays": c.num(61, 31), "numberOfTimesBlocked": c.num(62, 3), "airtimeUtilisation": c.num(63, 100),
					"daysAirtimeBalanceBelow": c.num(64, 10), "topupAmount": c.num(65, 500) + ".00", "averageTopupAmount": c.num(66, 100) + ".00",
					"totalOutboundCalls": c.num(67, 300), "distinctOutboundCalls": c.num(68, 80), "totalInboundCalls": c.num(69, 300),
					"distinctInboundCalls": c.num(70, 80), "dataUsage": c.num(71, 9000), "lastDataBundlePurchaseDate": c.date(),
					"daysDataBalanceBelow": c.num(72, 10), "averageDataBundleSize": c.num(73, 2048),
					"me2u": map[string]any{"me2uNumberAirtimeReceived": c.num(74, 10), "me2uAmountAirtimeReceived": c.num(75, 200) + ".00"},
				}},
			}},
			"momo-loans": map[string]any{
				"time-periods": map[string]any{
					"1-months": map[string]any{"numberOfLoans": c.num(80, 3)},
					"3-months": map[string]any{"numberOfLoans": c.num(81, 6)},
					"6-months": map[string]any{"numberOfLoans": c.num(82, 12)},
				},
				"totalLoansAmount": c.num(83, 9000) + ".00", "firstLoansDate": c.date(), "lastLoansDate": c.date(),
				"numberOverdue": c.num(84, 2), "totalTerm": c.num(85, 90), "maxTerm": "30", "lastOverdueDate": c.date(),
			},
		},
	}
}

// writeHuge streams a valid, very large profile without holding it in memory.
func (s *Server) writeHuge(w http.ResponseWriter, id string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, `{"customerId":"%s","_links":{"self":{"href":"/huge"}},"account":[`, id)
	item := []byte(`{"data":{"accountName":"padding","accountId":"` + strings.Repeat("x", 1000) + `","status":"active"}},`)
	written := 0
	for written < s.opts.HugeBodyBytes {
		n, err := w.Write(item)
		if err != nil {
			return
		}
		written += n
	}
	_, _ = w.Write([]byte(`{"data":{"accountName":"end","status":"active"}}]}`))
}
