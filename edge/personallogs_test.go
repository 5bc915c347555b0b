package edge

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"customergraph/sandbox"
)

// msisdn is any MSISDN of the sandbox (scenario and ordinary customers).
var msisdn = regexp.MustCompile(`27\d{9}`)

// TestLogsCarryNoMSISDN runs the suite's queries — the full view for every
// scenario customer (each failing in its own way), the list, the aliases,
// the basic view, and the writes, one of them with an unknown outcome —
// and reads every log line the facade wrote, at every level: no full
// MSISDN appears, and each operation that read personal fields wrote
// exactly one audit record per customer it read them for.
func TestLogsCarryNoMSISDN(t *testing.T) {
	t.Parallel()
	g := newTestGraph(t, sandbox.Options{SlowDelay: time.Hour, HugeBodyBytes: 1 << 20}, func(c *Config) {
		c.Upstream.Timeout = 2 * time.Second
		c.Upstream.MaxBodyBytes = 64 << 10
		c.Upstream.MaxRetries = 1
	})
	type run struct {
		txn, query string
		vars       map[string]any
		audits     int // audit records expected
	}
	var runs []run
	full := fixture(t, "customer_full.graphql")
	for _, sc := range sandbox.Scenarios {
		runs = append(runs, run{"full-" + sc.ID[7:], full, map[string]any{"id": sc.ID}, -1})
	}
	runs = append(runs,
		run{"list", fixture(t, "customers_list.graphql"), map[string]any{"ids": []string{sandbox.HappyCustomer, sandbox.BlockedCustomer, "27832000001"}}, -1},
		run{"aliases", fixture(t, "aliases.graphql"), map[string]any{"id": sandbox.HappyCustomer}, 1},
		run{"basic", fixture(t, "customer_basic.graphql"), map[string]any{"id": sandbox.HappyCustomer}, 0},
		run{"two-customers", `{ a: customer(id: "27831000001") { kyc { idNumber } } b: customer(id: "27831000001") { devices { handsets { imei } } } c: customer(id: "27831000008") { accountholder { firstName } } }`, nil, 2},
		run{"refill", `mutation { refillAirtime(input: {customerId: "27831000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "5.00"}) { refill { statusCode } } }`, nil, 0},
		run{"premium", `mutation { requestPremium(input: {customerId: "27831000001", receivingCustomerId: "27831000008", product: "p", transactionType: "t", amount: {amount: "1", currency: "ZAR"}}) { quote { originReferenceId } } }`, nil, 0},
		run{"refill-unknown", `mutation { refillAirtime(input: {customerId: "27832000001", type: VOUCHERLESS, refillProfileId: "P1", amount: "5.00"}) { refill { statusCode } } }`, nil, 0},
	)
	for _, r := range runs {
		if r.txn == "refill-unknown" {
			// A 502 after sending: the outcome of the write is not known.
			g.sb.Inject("plans.refill", sandbox.Fault{Status: 502})
		}
		resp := g.query(r.query, r.vars, "X-Request-ID", "txn-"+r.txn)
		if r.audits < 0 { // one customer per query, or the list's
			r.audits = personalCustomers(resp.Data)
		}
		n := 0
		for _, line := range strings.Split(g.logs.String(), "\n") {
			if strings.Contains(line, `"type":"audit"`) && strings.Contains(line, `"transactionId":"txn-`+r.txn+`"`) {
				n++
			}
		}
		if n != r.audits {
			t.Errorf("%s: %d audit records, want %d", r.txn, n, r.audits)
		}
	}
	logs := g.logs.String()
	if found := msisdn.FindAllString(logs, 5); len(found) > 0 {
		for _, line := range strings.Split(logs, "\n") {
			if msisdn.MatchString(line) {
				t.Errorf("a log line carries an MSISDN: %s", line)
			}
		}
	}
	if !strings.Contains(logs, `"message":"upstream write"`) || !strings.Contains(logs, `"outcome":"unknown"`) || !strings.Contains(logs, `"type":"audit"`) {
		t.Errorf("the run did not log what it was meant to check:\n%s", logs)
	}
	var audit map[string]any
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"transactionId":"txn-full-0001"`) && strings.Contains(line, `"type":"audit"`) {
			_ = json.Unmarshal([]byte(line), &audit)
		}
	}
	if audit["client"] != "anonymous" || !strings.HasPrefix(audit["customer"].(string), "h:") || !strings.HasSuffix(audit["customer"].(string), "…01") ||
		!strings.Contains(strings.Join(toStrings(audit["fields"]), ","), "KycRecord.idNumber") {
		t.Errorf("the happy customer's audit record: %v", audit)
	}
}

// personalCustomers counts the customers in data (customer, or customers)
// with a personal field answered: kyc, a handset's imei, or an
// accountholder's name or identities.
func personalCustomers(data map[string]any) int {
	var list []any
	if c, ok := data["customer"]; ok {
		list = []any{c}
	}
	if cs, ok := data["customers"].([]any); ok {
		list = cs
	}
	seen := map[any]bool{}
	for _, c := range list {
		m, _ := c.(map[string]any)
		if m == nil || !hasPersonal(m) {
			continue
		}
		seen[m["msisdn"]] = true
	}
	return len(seen)
}

func hasPersonal(c map[string]any) bool {
	if c["kyc"] != nil {
		return true
	}
	if ah, ok := c["accountholder"].(map[string]any); ok && (ah["firstName"] != nil || ah["identities"] != nil) {
		return true
	}
	if ds, ok := c["devices"].([]any); ok {
		for _, d := range ds {
			if hs, ok := d.(map[string]any)["handsets"].([]any); ok {
				for _, h := range hs {
					if h.(map[string]any)["imei"] != nil || h.(map[string]any)["imsi"] != nil {
						return true
					}
				}
			}
		}
	}
	return false
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
