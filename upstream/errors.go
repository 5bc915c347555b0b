package upstream

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

// Kind is the closed set of upstream failure kinds callers branch on.
type Kind int

// The kinds of upstream failure.
const (
	KindUnknown        Kind = iota
	KindNotFound            // 404
	KindInvalid             // 400, 405, 406, 409, 415, 422: the request was wrong
	KindUnauthorized        // 401, 403, or no token could be obtained
	KindRateLimited         // 429
	KindUnavailable         // 5xx, timeout, connection refused, breaker open: nothing happened
	KindBadResponse         // undecodable or oversized body, or status 999
	KindOutcomeUnknown      // a write was sent and its answer never came
	KindOverloaded          // the facade's own bound on calls in flight to the API was full: nothing was sent
)

var kindNames = map[Kind]string{
	KindUnknown: "Unknown", KindNotFound: "NotFound", KindInvalid: "Invalid", KindUnauthorized: "Unauthorized",
	KindRateLimited: "RateLimited", KindUnavailable: "Unavailable", KindBadResponse: "BadResponse", KindOutcomeUnknown: "OutcomeUnknown",
	KindOverloaded: "Overloaded",
}

func (k Kind) String() string { return kindNames[k] }

// Error is the one error type of this package. Its text never holds a
// credential: it is built from the API, operation, status and the upstream's
// own message, never from request headers.
type Error struct {
	API           string        // "profiles", "plans", "subscriptions", "accountholders"
	Op            string        // e.g. "plans.refill"
	Kind          Kind          //
	HTTPStatus    int           // 0 when no answer came
	StatusCode    string        // the upstream's canonical code (e.g. "4004"), when it sent one
	Message       string        // the upstream's message, or ours
	TransactionID string        //
	RetryAfter    time.Duration // from Retry-After on 429/503
	Err           error         // the cause, for logs; may be nil

	local  bool // found before anything was sent (bad path, no credentials)
	unsent bool // the request certainly did not leave (breaker, queue, refused connection)
	// callerGone: the caller cancelled or ran out of its own deadline; it
	// says nothing about the API's health.
	callerGone bool
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Op, e.Kind)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Local reports whether the error was found before anything was sent: the
// API never saw the request.
func (e *Error) Local() bool { return e.local }

// KindOf returns the Kind of an upstream error, or KindUnknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// errorBody covers the three error shapes of the specs: {error,
// error_description}; {timestamp, status, error, message, path}; and
// MADAPI's {statusCode, statusMessage, supportMessage, transactionId}.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Message          string `json:"message"`
	StatusCode       any    `json:"statusCode"`
	StatusMessage    string `json:"statusMessage"`
}

// kindForStatus maps an HTTP status to a Kind; 0 means success.
func kindForStatus(status int) Kind {
	switch {
	case status >= 200 && status < 300:
		return 0
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return KindUnauthorized
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == 999: // Plans' "Unknown Error"
		return KindBadResponse
	case status >= 500:
		return KindUnavailable
	case status >= 400:
		return KindInvalid
	default:
		return KindBadResponse
	}
}

// CheckResponse turns a non-2xx answer into an *Error carrying what the
// upstream said; it returns nil for 2xx (including 207).
func CheckResponse(api, op string, resp *http.Response, body []byte) error {
	kind := kindForStatus(resp.StatusCode)
	if kind == 0 {
		return nil
	}
	e := &Error{API: api, Op: op, Kind: kind, HTTPStatus: resp.StatusCode}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		if eb.StatusCode != nil {
			e.StatusCode = fmt.Sprint(eb.StatusCode)
		}
		for _, m := range []string{eb.StatusMessage, eb.Message, eb.ErrorDescription, eb.Error} {
			if m != "" {
				e.Message = clip(m)
				break
			}
		}
	}
	if kind == KindRateLimited || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	}
	return e
}

// clip bounds an upstream message: it is logged and may be shown.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	var secs int
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
