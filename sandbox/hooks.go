package sandbox

import (
	"encoding/json"
	"net/http"
	"time"
)

// The /_sandbox/ hooks sit outside the API roots: tests and benchmarks use
// them to count upstream calls, reset state and add latency.

func (s *Server) hookCalls(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Calls())
}

func (s *Server) hookLog(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Log())
}

func (s *Server) hookReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) hookRevoke(w http.ResponseWriter, _ *http.Request) {
	s.RevokeTokens()
	w.WriteHeader(http.StatusNoContent)
}

// hookLatency takes {"profiles":"50ms","plans":"0s"}; the key "all" sets all four.
func (s *Server) hookLatency(w http.ResponseWriter, r *http.Request) {
	var body map[string]string
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&body); err != nil {
		http.Error(w, `body must be {"api":"duration"}`, http.StatusBadRequest)
		return
	}
	for api, v := range body {
		if _, ok := Roots[api]; !ok && api != "all" {
			http.Error(w, "unknown api "+api, http.StatusBadRequest)
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			http.Error(w, "bad duration "+v, http.StatusBadRequest)
			return
		}
		s.SetLatency(api, d)
	}
	w.WriteHeader(http.StatusNoContent)
}
