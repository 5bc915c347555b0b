package resolvers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"customergraph/admission"
	"customergraph/codes"
	"customergraph/limits"
	"customergraph/scalar"
	"customergraph/upstream"
)

// InputError is a client mistake found before any upstream call.
type InputError struct {
	Message string
}

func (e *InputError) Error() string { return e.Message }

// inputErrorf builds an InputError.
func inputErrorf(format string, args ...any) error {
	return &InputError{Message: fmt.Sprintf(format, args...)}
}

// NotFoundError is something the facade itself does not know (e.g. an
// expired unsubscribe-all request id).
type NotFoundError struct {
	Message string
}

func (e *NotFoundError) Error() string { return e.Message }

// PartialError is a hole in a 207 (partial) upstream answer.
type PartialError struct {
	API, Op, Part, TransactionID string
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("the %s API answered without %s (HTTP 207 partial result)", e.API, e.Part)
}

func partial(ctx context.Context, api, op, part string) error {
	return &PartialError{API: api, Op: op, Part: part, TransactionID: upstream.TransactionID(ctx)}
}

var kindCodes = map[upstream.Kind]string{
	upstream.KindNotFound:       codes.NotFound,
	upstream.KindInvalid:        codes.BadUserInput,
	upstream.KindUnauthorized:   codes.UpstreamUnauthorized,
	upstream.KindRateLimited:    codes.UpstreamRateLimited,
	upstream.KindUnavailable:    codes.UpstreamUnavailable,
	upstream.KindBadResponse:    codes.UpstreamError,
	upstream.KindOutcomeUnknown: codes.OutcomeUnknown,
	upstream.KindOverloaded:     codes.Overloaded,
}

// upstreamMessage is what a client reads: written here, never the
// upstream's or Go's error text, except the upstream's own validation
// message, which its spec says may be shown to clients.
func upstreamMessage(e *upstream.Error) string {
	switch e.Kind {
	case upstream.KindNotFound:
		return fmt.Sprintf("not found by the %s API", e.API)
	case upstream.KindInvalid:
		if e.Message != "" {
			return fmt.Sprintf("the %s API rejected the request: %s", e.API, e.Message)
		}
		return fmt.Sprintf("the %s API rejected the request", e.API)
	case upstream.KindUnauthorized:
		return fmt.Sprintf("the facade is not authorized by the %s API", e.API)
	case upstream.KindRateLimited:
		return fmt.Sprintf("the %s API is rate limiting the facade; retry later", e.API)
	case upstream.KindUnavailable:
		return fmt.Sprintf("the %s API is unavailable", e.API)
	case upstream.KindBadResponse:
		return fmt.Sprintf("the %s API sent an answer the facade cannot read", e.API)
	case upstream.KindOutcomeUnknown:
		return fmt.Sprintf("the %s API was sent the write but gave no clear answer: it may or may not have taken effect; check before retrying, quoting transactionId %s", e.API, e.TransactionID)
	}
	return "internal error"
}

// ErrorPresenter maps every resolver error to a GraphQL error with a code.
// Unknown errors get a generic message; their detail goes to the log with
// the transaction id.
func ErrorPresenter(log zerolog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := graphql.DefaultErrorPresenter(ctx, err)
		var ue *upstream.Error
		var ie *InputError
		var pe *PartialError
		var se *scalar.InputError
		var nf *NotFoundError
		var ve *scalar.ValueError
		var le *limits.ShareError
		switch {
		case errors.Is(err, admission.ErrOverloaded):
			out.Message = "the facade is at capacity and refused this operation before doing any of it; retry after " + itoa(codes.RetryAfterSeconds) + " s"
			out.Extensions = map[string]any{"code": codes.Overloaded, "retryAfter": codes.RetryAfterSeconds}
		case errors.As(err, &le):
			out.Message = le.Message
			out.Extensions = map[string]any{"code": codes.RateLimited}
			if le.Shared {
				out.Extensions = map[string]any{"code": codes.Overloaded, "retryAfter": codes.RetryAfterSeconds}
			}
		case errors.As(err, &ue) && ue.Local():
			out.Message = ue.Message
			out.Extensions = map[string]any{"code": kindCodes[ue.Kind]}
			if ue.Kind == upstream.KindOverloaded {
				out.Extensions["retryAfter"] = codes.RetryAfterSeconds
			}
		case errors.As(err, &ue):
			up := map[string]any{"api": ue.API, "op": ue.Op, "httpStatus": ue.HTTPStatus, "transactionId": ue.TransactionID}
			if ue.RetryAfter > 0 {
				up["retryAfter"] = int(math.Ceil(ue.RetryAfter.Seconds()))
			}
			out.Message = upstreamMessage(ue)
			out.Extensions = map[string]any{"code": kindCodes[ue.Kind], "upstream": up}
		case errors.As(err, &pe):
			out.Message = pe.Error()
			out.Extensions = map[string]any{"code": codes.UpstreamPartial,
				"upstream": map[string]any{"api": pe.API, "op": pe.Op, "httpStatus": 207, "transactionId": pe.TransactionID}}
		case errors.As(err, &nf):
			out.Message = nf.Message
			out.Extensions = map[string]any{"code": codes.NotFound}
		case errors.As(err, &ie):
			out.Message = ie.Message
			out.Extensions = map[string]any{"code": codes.BadUserInput}
		case errors.As(err, &se):
			out.Message = se.Error()
			out.Extensions = map[string]any{"code": codes.BadUserInput}
		case errors.As(err, &ve):
			// A value the API sent outside its field's scalar (a DateTime
			// without a zone): the field is null, the value quoted, nothing guessed.
			txn := upstream.TransactionID(ctx)
			log.Warn().Ctx(ctx).Str("scalar", ve.Scalar).Str("reason", ve.Reason).Str("path", out.Path.String()).Str("transactionId", txn).Msg("upstream value outside its scalar")
			out.Message = ve.Error()
			out.Extensions = map[string]any{"code": codes.UpstreamError, "transactionId": txn}
		case isIntrospectionDisabled(err):
			out.Message = "introspection is disabled on this server (GRAPH_INTROSPECTION=false); the schema is documented in the repository's graph/*.graphqls, which is also the subgraph SDL _service would answer (docs/federation.md)"
			out.Extensions = map[string]any{"code": codes.IntrospectionOff}
		case out.Extensions["code"] != nil:
			// gqlgen's own parse/validation errors already carry a code.
		default:
			txn := upstream.TransactionID(ctx)
			log.Error().Ctx(ctx).Str("error", withoutBody(err.Error())).Str("transactionId", txn).Str("path", out.Path.String()).Msg("internal error")
			out.Message = "internal error; quote transactionId " + txn + " to support"
			out.Extensions = map[string]any{"code": codes.Internal, "transactionId": txn}
		}
		return out
	}
}

// withoutBody cuts what gqlgen appends of a request body to its decode
// errors ("… body:{…}"): a body may hold a voucher code.
func withoutBody(msg string) string {
	if i := strings.Index(msg, " body:"); i >= 0 {
		return msg[:i] + " [request body not logged]"
	}
	return msg
}

// Recover turns a panic in a resolver into INTERNAL_SERVER_ERROR, logged.
func Recover(log zerolog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.Error().Ctx(ctx).Interface("panic", v).Str("transactionId", upstream.TransactionID(ctx)).Msg("resolver panic")
		return errors.New("resolver panic")
	}
}

// isIntrospectionDisabled recognizes gqlgen's errors for a schema query, or
// the subgraph SDL (_service, whose text its federation plugin fixes), when
// introspection is off; gqlgen has no typed error for either.
func isIntrospectionDisabled(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if msg := err.Error(); msg == "introspection disabled" || msg == "federated introspection disabled" {
			return true
		}
	}
	return false
}
