package upstream

import (
	"context"
	"crypto/rand"
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

type callerKey struct{}

// Caller is what an incoming request tells the upstream calls it causes.
type Caller struct {
	TransactionID string // sent as transactionId on every call
	// Authorization is the end user's X-Authorization (encrypted ECW
	// credentials), forwarded to the operations that take it. Never logged.
	Authorization string
	// Client names who is asking ("key:<name>", or "ip:<address>"), for its
	// share of the API's slots.
	Client string
}

// WithCaller attaches the caller to ctx.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// WithTransactionID makes the calls under ctx send id as their
// transactionId (a status poll sends its subscribe's); "" changes nothing.
func WithTransactionID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	c := CallerFrom(ctx)
	c.TransactionID = id
	return WithCaller(ctx, c)
}

// CallerFrom returns the caller attached to ctx; a missing or invalid
// transaction id is replaced by a generated one.
func CallerFrom(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	if !ValidTransactionID(c.TransactionID) {
		c.TransactionID = NewTransactionID()
	}
	return c
}
