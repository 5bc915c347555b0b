package access

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// Masker stands in for a customer's MSISDN in logs and audit records: a
// keyed hash, the same for the same MSISDN wherever the key is shared
// (GRAPH_LOG_HASH_KEY), so lines about one customer can be found together
// and no full MSISDN reaches the log. The last two digits are kept for a
// human checking a record against a customer they already know.
type Masker struct{ key []byte }

// NewMasker keys the hash with key; an empty key draws one for this
// process (hashes then match only within it).
func NewMasker(key string) *Masker {
	k := []byte(key)
	if len(k) == 0 {
		k = make([]byte, 32)
		_, _ = rand.Read(k)
	}
	return &Masker{key: k}
}

// Mask is id's stand-in: "h:" and 16 hex digits of HMAC-SHA256, then "…"
// and its last two characters. "" stays "".
func (m *Masker) Mask(id string) string {
	if id == "" {
		return ""
	}
	h := hmac.New(sha256.New, m.key)
	h.Write([]byte(id))
	tail := id
	if len(tail) > 2 {
		tail = tail[len(tail)-2:]
	}
	return "h:" + hex.EncodeToString(h.Sum(nil)[:8]) + "…" + tail
}
