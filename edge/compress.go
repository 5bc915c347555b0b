package edge

import (
	"customergraph/request"
	"fmt"
	"net/http"

	"github.com/CAFxX/httpcompression"
)

// compressed answers in zstd, brotli or gzip, as the client's
// Accept-Encoding prefers, bodies of 200 bytes and more.
// CAFxX/httpcompression does the negotiation (q-values, Vary,
// Content-Length, ETag), which is easy to get subtly wrong by hand; it
// uses klauspost/compress and andybalholm/brotli.
//
// Streams are left alone: a WebSocket is hijacked, and SSE and multipart
// parts must reach the client as soon as they are written, not when a
// compressor's window fills.
func compressed(next http.Handler) http.Handler {
	compress, err := httpcompression.DefaultAdapter()
	if err != nil {
		panic(fmt.Errorf("compression: %w", err)) // only for invalid options, which are fixed here
	}
	c := compress(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if request.From(r.Context()).Stream() {
			next.ServeHTTP(w, r)
			return
		}
		c.ServeHTTP(w, r)
	})
}
