package edge

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// maxHeaderBytes bounds a request's line and headers: a GET's document is
// refused past GRAPH_MAX_BODY_BYTES by the handler, and this stops what is
// far past it before it is read into memory.
const maxHeaderBytes = 1 << 20

// Serve answers on ln until ctx ends, then runs drain (the listener still
// open: App.Drain), then shuts down gracefully, giving requests in flight
// up to grace to finish.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, log zerolog.Logger, what string, drain ...func()) error {
	srv := &http.Server{
		Handler:           h,
		MaxHeaderBytes:    maxHeaderBytes,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(jsonListener{ln}) }()
	log.Info().Str("url", "http://"+ln.Addr().String()).Msg(what + " listening")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	for _, d := range drain {
		d()
	}
	log.Info().Msg("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// Listening tells the facade the address it listens on: the sandbox calls
// the unsubscribe-all callback back there unless GRAPH_PUBLIC_URL says
// where the facade is reached.
func (a *App) Listening(addr net.Addr) {
	if a.cfg.sandbox && a.cfg.PublicURL == "" {
		_, port, _ := net.SplitHostPort(addr.String())
		a.callbacks.SetBaseURL("http://127.0.0.1:" + port)
	}
}
