package upstream

import (
	"io"
	"net/http/httptest"
	"testing"

	json "github.com/goccy/go-json"

	"customergraph/sandbox"
)

func sandboxBody(b *testing.B, path string) []byte {
	b.Helper()
	sb := sandbox.New(sandbox.Options{})
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("X-API-Key", sandbox.APIKey)
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return body
}

// The decoding of upstream bodies is most of the facade's CPU per query.
func BenchmarkDecodeProfile(b *testing.B) {
	body := sandboxBody(b, "/profiles/v1/customers/27831000001?propset=full")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var w profileWire
		if err := json.Unmarshal(body, &w); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeTransactions(b *testing.B) {
	var raw struct {
		T json.RawMessage `json:"transactions-summaries"`
	}
	_ = json.Unmarshal(sandboxBody(b, "/profiles/v1/customers/27831000001?propset=full"), &raw)
	b.SetBytes(int64(len(raw.T)))
	b.ReportAllocs()
	for b.Loop() {
		var t summaryWire
		if err := json.Unmarshal(raw.T, &t); err != nil {
			b.Fatal(err)
		}
		_ = t.summary()
	}
}

func BenchmarkDecodePlans(b *testing.B) {
	body := sandboxBody(b, "/plans/v2/customers/27831000001/plans?momo=true&includeReservations=true")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var w plansWire
		if err := json.Unmarshal(body, &w); err != nil {
			b.Fatal(err)
		}
		var bal []balanceWire
		_ = json.Unmarshal(w.Data.Balance, &bal)
	}
}
