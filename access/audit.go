package access

import (
	"context"
	"sync"

	"github.com/rs/zerolog"

	"customergraph/request"
)

// Audit collects one operation's reads of personal fields, to be written
// as one audit record per customer when the operation ends.
type Audit struct {
	mu        sync.Mutex
	customers []string            // in the order first read
	fields    map[string][]string // customer → "Type.field", each once
}

type auditKey struct{}

// WithAudit makes ctx's operation record its personal reads in a.
func WithAudit(ctx context.Context, a *Audit) context.Context {
	return context.WithValue(ctx, auditKey{}, a)
}

func auditOf(ctx context.Context) *Audit {
	a, _ := ctx.Value(auditKey{}).(*Audit)
	return a
}

func (a *Audit) read(customer, field string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fields == nil {
		a.fields = map[string][]string{}
	}
	fs, seen := a.fields[customer]
	if !seen {
		a.customers = append(a.customers, customer)
	}
	for _, f := range fs {
		if f == field {
			return
		}
	}
	a.fields[customer] = append(fs, field)
}

// Write logs the audit records: one line per customer whose personal
// fields the operation read, with type "audit", who read them (client and
// token subject), the customer's masked MSISDN, the fields, the operation
// and the transaction (and, through the logger's hook, trace) id. Written
// once, when the operation's last response is sent.
func (a *Audit) Write(ctx context.Context, log zerolog.Logger, m *Masker, operation string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := request.From(ctx)
	p := st.Principal()
	for _, c := range a.customers {
		ev := log.Info().Ctx(ctx).Str("type", "audit").Str("client", cmpOr(p.Client, "anonymous")).
			Str("clientIp", st.RemoteIP).Str("operation", operation).Strs("fields", a.fields[c]).Str("transactionId", st.TransactionID)
		if p.Subject != "" {
			ev = ev.Str("subject", p.Subject)
		}
		if c != "" {
			ev = ev.Str("customer", m.Mask(c))
		}
		ev.Msg("personal data read")
	}
	a.customers, a.fields = nil, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
