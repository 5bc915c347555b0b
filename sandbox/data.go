package sandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// customer is the sandbox's record of one customer; handlers render it into
// each API's body shape. Writes mutate it until Reset.
type customer struct {
	id         string
	n          int // seed for derived values
	planType   string
	planStatus string
	tariff     string
	airtime    int64 // main airtime balance, in cents
	currency   string
	dataMB     int64
	minutes    int64
	sms        int64
	odd        bool // spec-example date formats
	holder     string
	providers  []string
	subs       map[string][]*subscription // by provider id
}

type subscription struct {
	ID, ProviderID, Name, Description string
	Status, Type, Length, Channel     string
	Start, End, PaymentSource, Email  string
	Beneficiary                       string
	SendSMS, AutoRenew                bool
	pendingPolls                      int
	statusID                          string
}

var providerNames = map[string][2]string{
	"101": {"MTN CallerTunez", "Ring-back tones, billed per tune"},
	"202": {"MTN Play Services", "Games, music and video on demand"},
}

// lookup returns the customer, creating its record on first use, or nil when
// the id is unknown to every API.
func (s *Server) lookup(id string) *customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.customers[id]; ok {
		return c
	}
	c := newCustomer(id, &s.nextSubID)
	if c != nil {
		s.customers[id] = c
	}
	return c
}

func newCustomer(id string, nextSub *int) *customer {
	n := -1
	for i, sc := range Scenarios {
		if sc.ID == id {
			n = i + 1
		}
	}
	if n < 0 && strings.HasPrefix(id, ordinaryPrefix) && len(id) == 11 {
		v, err := strconv.Atoi(id[len(ordinaryPrefix):])
		if err == nil && v < OrdinaryCount {
			n = 100 + v
		}
	}
	if n < 0 || id == NotFoundCustomer {
		return nil
	}
	types := []string{"Prepaid", "Postpaid", "Hybrid"}
	c := &customer{
		id: id, n: n,
		planType: types[n%3], planStatus: "Active", tariff: []string{"MTN Sky", "MTN Prepaid Flexi", "MTN My Choice"}[n%3],
		airtime: int64(1000 + n*137%90000), currency: "ZAR",
		dataMB: int64(512 + n*97%20000), minutes: int64(30 + n*13%500), sms: int64(10 + n*7%200),
		odd: id == OddDatesCustomer, holder: "ACTIVE",
		providers: []string{"101", "202"},
		subs:      map[string][]*subscription{},
	}
	if id == HappyCustomer {
		c.planType, c.airtime = "Prepaid", 268_61
	}
	if id == BlockedCustomer {
		c.holder = "BLOCKED"
	}
	if n >= 100 && n%7 == 0 {
		c.holder = "CREATED"
	}
	start := "2019-04-30T08:00:00Z"
	if c.odd {
		start = "2019-04-30"
	}
	c.subs["101"] = []*subscription{{ID: "4", ProviderID: "101", Name: "CallerTunez", Description: "Ring-back tune of the week",
		Status: "Active", Type: "Recurring", Length: "30 days", Channel: "USSD", Start: start, End: endOf(c.odd),
		PaymentSource: "Airtime", SendSMS: true, AutoRenew: true}}
	if n%2 == 1 || id == HappyCustomer {
		c.subs["202"] = []*subscription{{ID: "7", ProviderID: "202", Name: "MTN Play Games", Description: "Unlimited casual games",
			Status: "Active", Type: "Adhoc", Length: "7 days", Channel: "App", Start: start, End: endOf(c.odd),
			PaymentSource: "MobileMoney", SendSMS: false, Email: "player" + id[len(id)-3:] + "@example.com"}}
	}
	return c
}

func endOf(odd bool) string {
	if odd {
		return "2019-05-06"
	}
	return "2027-04-30T08:00:00Z"
}

// cents formats an amount in cents as a decimal string.
func cents(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

// parseCents reads a decimal string ("12", "12.5", "12.50") into cents.
func parseCents(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1_000_000 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return w*100 + f, true
}

// num derives a stable count-like string from the customer seed.
func (c *customer) num(salt, mod int) string { return strconv.Itoa((c.n*31 + salt*17) % mod) }

func (c *customer) dateTime() string {
	if c.odd {
		return "2019-12-31T12:00:00"
	}
	return "2026-12-31T23:59:59Z"
}

func (c *customer) date() string {
	if c.odd {
		return "2017"
	}
	return "2026-10-" + fmt.Sprintf("%02d", 1+c.n%28)
}
