package upstream

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"regexp"
)

// validTransactionID is the specs' rule: 5–20 ASCII letters, digits, + / = -.
var validTransactionID = regexp.MustCompile(`^[A-Za-z0-9+/=-]{5,20}$`)

// ValidTransactionID reports whether id may be forwarded as is.
func ValidTransactionID(id string) bool { return validTransactionID.MatchString(id) }

// NewTransactionID returns a fresh 16-character id.
func NewTransactionID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:16]
}

type callerKey struct{}

// Caller is what an incoming request tells the upstream calls it causes.
type Caller struct {
	TransactionID string // sent as transactionId on every call
	// Authorization is the end user's X-Authorization (encrypted ECW
	// credentials), forwarded to the operations that take it. Never logged.
	Authorization string
}

// WithCaller attaches the caller to ctx.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
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
