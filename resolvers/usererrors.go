package resolvers

import (
	"errors"
	"net/http"

	"customergraph/graph/model"
	"customergraph/upstream"
)

// userErrors sorts a write's failure: a rejection the upstream API stated
// (a 4xx it sent: invalid input, not found, conflict) becomes the
// payload's userErrors, since nothing happened and the client can act on
// it; anything else (OUTCOME_UNKNOWN, unavailable, unauthorized, rate
// limited, the facade's own refusals) stays a top-level error.
func userErrors(err error) ([]model.UserError, error) {
	var ue *upstream.Error
	if err == nil || !errors.As(err, &ue) || ue.Local() {
		return nil, err
	}
	var code model.UserErrorCode
	switch {
	case ue.Kind == upstream.KindNotFound:
		code = model.UserErrorCodeNotFound
	case ue.Kind == upstream.KindInvalid && ue.HTTPStatus == http.StatusConflict:
		code = model.UserErrorCodeConflict
	case ue.Kind == upstream.KindInvalid:
		code = model.UserErrorCodeInvalid
	default:
		return nil, err
	}
	return []model.UserError{{Code: code, Message: upstreamMessage(ue)}}, nil
}
