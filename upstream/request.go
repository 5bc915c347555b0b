package upstream

import (
	"context"
	"crypto/rand"
	"customergraph/request"
	"encoding/base64"
)

// ValidTransactionID reports whether id may be forwarded as is: the specs'
// rule is 5–20 ASCII letters, digits, + / = -. (A regexp here cost 7% of a
// small query's CPU: it runs for every upstream call.)
func ValidTransactionID(id string) bool {
	if len(id) < 5 || len(id) > 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '+', c == '/', c == '=', c == '-':
		default:
			return false
		}
	}
	return true
}

// NewTransactionID returns a fresh 16-character id.
func NewTransactionID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)[:16] // A-Z a-z 0-9 + /: all allowed
}

// caller is what the request behind a call tells the call.
type caller struct {
	TransactionID string // sent as transactionId on every call
	// Authorization is the end user's X-Authorization, forwarded to the
	// operations that take it. Never logged.
	Authorization string
	// Client names who is asking, for its share of the API's slots.
	Client string
}

type transactionIDKey struct{}

// WithTransactionID makes the calls under ctx send id as their
// transactionId (a status poll sends its subscribe's); "" changes nothing.
func WithTransactionID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, transactionIDKey{}, id)
}

// TransactionID is the transactionId the calls under ctx send: the
// request's (request.State), unless WithTransactionID says otherwise; a
// missing or invalid one is replaced by a generated one.
func TransactionID(ctx context.Context) string { return callerFrom(ctx).TransactionID }

func callerFrom(ctx context.Context) caller {
	st := request.From(ctx)
	c := caller{TransactionID: st.TransactionID, Authorization: st.Authorization, Client: st.Identity()}
	if id, ok := ctx.Value(transactionIDKey{}).(string); ok {
		c.TransactionID = id
	}
	if !ValidTransactionID(c.TransactionID) {
		c.TransactionID = NewTransactionID()
	}
	return c
}
