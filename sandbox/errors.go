package sandbox

import (
	"net/http"
	"strconv"
	"time"
)

// apiError writes an error in the body shape the operation's spec declares
// for that status. The specs use three shapes (see ../shared/api/NOTES.md).
func apiError(w http.ResponseWriter, r *http.Request, api, op string, status int, title, message string) {
	now := time.Now().UTC().Format(time.RFC3339)
	txn := r.Header.Get("transactionId")
	switch api {
	case Profiles:
		switch status {
		case http.StatusNotFound:
			writeJSON(w, status, map[string]any{"data": nil})
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
			writeJSON(w, status, map[string]any{"error": title, "error_description": message})
		default:
			writeJSON(w, status, map[string]any{"timestamp": now, "status": strconv.Itoa(status), "error": title, "message": message, "path": r.URL.Path})
		}
	case Plans:
		if status == http.StatusNotFound && (op == "plans.getPlans" || op == "plans.requestPremium") {
			writeJSON(w, status, map[string]any{"data": nil})
			return
		}
		body := map[string]any{"statusCode": canonicalCode(status), "statusMessage": message, "supportMessage": title, "transactionId": txn}
		if op == "plans.requestPremium" && status != http.StatusMethodNotAllowed {
			body["_links"] = map[string]any{"self": map[string]any{"href": r.URL.Path}}
		} else {
			body["timestamp"] = now
			body["path"] = r.URL.Path
			body["method"] = r.Method
		}
		writeJSON(w, status, body)
	case Subscriptions:
		body := map[string]any{"timestamp": now, "status": strconv.Itoa(status), "error": title, "message": message, "path": r.URL.Path}
		if status == http.StatusNotFound {
			// The spec's 404 example is {"services": null}; carrying it beside the
			// Error fields satisfies both the schema and the example.
			body["services"] = nil
		}
		writeJSON(w, status, body)
	case Accountholders:
		// Error.required names `code` and `reason`, which the spec never
		// declares; sending them keeps the body valid against the schema.
		writeJSON(w, status, map[string]any{
			"code": canonicalCode(status), "reason": title,
			"timestamp": now, "statusCode": canonicalCode(status), "statusMessage": message,
			"supportMessage": title, "transactionId": txn,
			"_links": map[string]any{"self": map[string]any{"href": r.URL.Path}},
		})
	default: // oauth: RFC 6749 §5.2
		writeJSON(w, status, map[string]any{"error": title, "error_description": message})
	}
}

// canonicalCode imitates MADAPI's four-character canonical error codes.
func canonicalCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "4000"
	case http.StatusUnauthorized:
		return "4001"
	case http.StatusForbidden:
		return "4003"
	case http.StatusNotFound:
		return "4004"
	case http.StatusTooManyRequests:
		return "4029"
	case http.StatusServiceUnavailable:
		return "5003"
	default:
		return "5000"
	}
}
