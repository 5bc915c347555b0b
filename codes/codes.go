// Package codes is the closed set of extensions.code values the facade
// answers with: what each tells a client, and how each transport carries
// it. Every code is defined here and nowhere else; docs/errors.md is the
// same table for readers, and a test keeps the two equal.
package codes

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/errcode"
)

// Code is an error's extensions.code. An alias, so that a code put in
// gqlgen's Extensions map reads back as the string it is.
type Code = string

// A request error refuses the whole request: nothing ran, the answer has
// no "data", and its HTTP status is the code's. A field error is one field
// that could not be answered: it is null, the error carries its path, and
// the rest of the answer is served with 200.
const (
	// Request errors, found before anything ran.
	BadRequest           Code = "BAD_REQUEST"            // the HTTP request is malformed: body, query string, persistedQuery extension
	UnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE" // a POST body that is not application/json
	RequestTooLarge      Code = "REQUEST_TOO_LARGE"      // body, query string or headers past their bound
	MethodNotAllowed     Code = "METHOD_NOT_ALLOWED"     // a method other than GET and POST, or a mutation by GET
	Unauthenticated      Code = "UNAUTHENTICATED"        // no client key or token, or one that is not valid
	// Forbidden: the client lacks the scopes a field requires
	// (@requiresScopes). With GRAPH_AUTHZ_MODE=filter that field is null
	// and the rest is served (200); with reject the whole operation is
	// refused before anything ran (403).
	Forbidden           Code = "FORBIDDEN"
	ParseFailed         Code = "GRAPHQL_PARSE_FAILED" // the document is not GraphQL
	ValidationFailed    Code = "GRAPHQL_VALIDATION_FAILED"
	QueryLimitExceeded  Code = "QUERY_LIMIT_EXCEEDED"        // size, tokens, depth, aliases, fields, mutations or cost past GRAPH_MAX_*
	PersistedNotFound   Code = "PERSISTED_QUERY_NOT_FOUND"   // an unknown hash: send the document with it
	PersistedNotAllowed Code = "PERSISTED_QUERY_NOT_ALLOWED" // GRAPH_PERSISTED_ONLY and the document is not in the manifest
	StreamRequired      Code = "STREAM_REQUIRED"             // a subscription asked for as one answer
	IntrospectionOff    Code = "INTROSPECTION_DISABLED"      // GRAPH_INTROSPECTION=false
	// Overloaded: the facade refused the work to stay responsive; nothing
	// was sent upstream, so retrying after Retry-After is safe.
	Overloaded Code = "OVERLOADED"
	// RateLimited: this client has used its own share (live subscriptions,
	// open connections); nothing was done. Another client would be served.
	RateLimited Code = "RATE_LIMITED"

	// Field errors: the request ran, and this field could not be answered.
	NotFound             Code = "NOT_FOUND"             // the customer, subscription or request id does not exist
	BadUserInput         Code = "BAD_USER_INPUT"        // an argument the facade or the API refused; nothing was written
	UpstreamUnauthorized Code = "UPSTREAM_UNAUTHORIZED" // the API refused the facade's credentials
	UpstreamRateLimited  Code = "UPSTREAM_RATE_LIMITED" // the API is rate limiting the facade
	UpstreamUnavailable  Code = "UPSTREAM_UNAVAILABLE"  // the API is down, slow past its timeout, or its circuit is open
	UpstreamError        Code = "UPSTREAM_ERROR"        // the API answered something the facade cannot read
	UpstreamPartial      Code = "UPSTREAM_PARTIAL"      // a 207 answer without this part
	// OutcomeUnknown: a write was sent and no clear answer came back; money
	// may have moved. Check before retrying, quoting the transactionId.
	OutcomeUnknown Code = "OUTCOME_UNKNOWN"
	Internal       Code = "INTERNAL_SERVER_ERROR" // a fault of the facade, logged with the transactionId
)

// RetryAfterSeconds is what an OVERLOADED answer tells the client to wait,
// in its Retry-After header and extensions.retryAfter.
const RetryAfterSeconds = 1

// entry is a code's row of the table.
type entry struct {
	// status is the HTTP status of a request refused with the code. For
	// the request errors GraphQL itself finds (parse, validation, limits,
	// persisted queries), it is the status under Accept:
	// application/graphql-response+json; a client asking for
	// application/json gets 200, as the GraphQL-over-HTTP spec says.
	status int
	// request: refused before anything ran (a request error); otherwise a
	// field error, which rides a 200.
	request bool
	// graphql: found by the GraphQL layer (gqlgen's executor and its
	// extensions) rather than by the HTTP edge.
	graphql bool
}

var table = map[Code]entry{
	BadRequest:           {status: http.StatusBadRequest, request: true, graphql: true},
	UnsupportedMediaType: {status: http.StatusUnsupportedMediaType, request: true},
	RequestTooLarge:      {status: http.StatusRequestEntityTooLarge, request: true}, // 414 for a query string, 431 for headers
	MethodNotAllowed:     {status: http.StatusMethodNotAllowed, request: true},
	Unauthenticated:      {status: http.StatusUnauthorized, request: true},
	Forbidden:            {status: http.StatusForbidden, request: true},
	ParseFailed:          {status: http.StatusBadRequest, request: true, graphql: true},
	ValidationFailed:     {status: http.StatusBadRequest, request: true, graphql: true},
	QueryLimitExceeded:   {status: http.StatusBadRequest, request: true, graphql: true},
	PersistedNotFound:    {status: http.StatusBadRequest, request: true, graphql: true},
	PersistedNotAllowed:  {status: http.StatusBadRequest, request: true, graphql: true},
	StreamRequired:       {status: http.StatusBadRequest, request: true, graphql: true},
	IntrospectionOff:     {status: http.StatusOK}, // a field error at __schema or __type
	Overloaded:           {status: http.StatusServiceUnavailable, request: true},
	RateLimited:          {status: http.StatusTooManyRequests, request: true},
	NotFound:             {status: http.StatusOK},
	BadUserInput:         {status: http.StatusOK},
	UpstreamUnauthorized: {status: http.StatusOK},
	UpstreamRateLimited:  {status: http.StatusOK},
	UpstreamUnavailable:  {status: http.StatusOK},
	UpstreamError:        {status: http.StatusOK},
	UpstreamPartial:      {status: http.StatusOK},
	OutcomeUnknown:       {status: http.StatusOK},
	Internal:             {status: http.StatusInternalServerError}, // usually one field's; 500 when nothing could be answered
}

// gqlgen decides a request error's status by its kind: these are request
// errors (its own parse and validation codes are registered by gqlgen).
func init() {
	for c, e := range table {
		if e.graphql && c != ParseFailed && c != ValidationFailed {
			errcode.RegisterErrorType(c, errcode.KindProtocol)
		}
	}
}

// Status is the HTTP status of a request refused with c (see entry.status);
// 500 for a code not in the table.
func Status(c Code) int {
	if e, ok := table[c]; ok {
		return e.status
	}
	return http.StatusInternalServerError
}

// RefusesRequest reports whether c refuses the whole request (nothing ran)
// rather than one field.
func RefusesRequest(c Code) bool { return table[c].request }

// All lists every code, for the documentation test.
func All() []Code {
	out := make([]Code, 0, len(table))
	for c := range table {
		out = append(out, c)
	}
	return out
}

// FoundByGraphQL reports whether c is a request error the GraphQL layer
// finds (parse, validation, limits, persisted queries): a client asking
// for application/json gets those with 200.
func FoundByGraphQL(c Code) bool { return table[c].graphql }
