package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
)

// Fault makes one operation misbehave for the test that declares it, next
// to its assertion ("plans.refill answers 500 after committing"), instead
// of relying on a scenario customer shared by the whole suite.
type Fault struct {
	// Status is answered instead of the operation's own answer: a JSON
	// error body, or for a 3xx the Location below.
	Status int
	// Location is the redirect target of a 3xx (absolute, or a path).
	Location string
	// Body, when set, is sent as the body (with Status, default 200): garbage
	// or a body the spec does not describe.
	Body string
	// AfterCommit runs the real operation first, so its write takes effect,
	// and only then answers the fault.
	AfterCommit bool
	// Drop closes the connection without any answer.
	Drop bool
	// Hang answers nothing until the caller gives up: a black-holed API.
	Hang bool
	// Hold, when set, keeps the call waiting until it is closed (or the
	// caller gives up, which is recorded as status 499 and commits nothing);
	// then the call goes on as the other fields say. A test releases it at
	// the moment it chooses: no timing involved.
	Hold <-chan struct{}
	// Times is how many calls the fault affects; 0 is every call.
	Times int
}

// Inject declares a fault for every call of op (e.g. "plans.refill") until
// Clear or Reset.
func (s *Server) Inject(op string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = &f
}

// Clear removes the fault of op.
func (s *Server) Clear(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.faults, op)
}

// takeFault returns the fault for this call of op, if any, and counts it.
func (s *Server) takeFault(op string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults[op]
	if f == nil {
		return nil
	}
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(s.faults, op)
		}
	}
	c := *f
	return &c
}

// serveFault answers r as f says; h is the operation's real handler.
func serveFault(w http.ResponseWriter, r *http.Request, f *Fault, api, op string, h http.HandlerFunc) {
	if f.Hold != nil || f.Hang {
		// net/http notices a caller hanging up only once the body is read;
		// keep it for the real handler.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if f.Hold != nil {
		select {
		case <-f.Hold:
		case <-r.Context().Done():
			w.WriteHeader(499)
			return
		}
	}
	if f.Status == 0 && f.Body == "" && !f.Drop && !f.Hang {
		h(w, r) // only held: answer as usual
		return
	}
	if f.AfterCommit {
		h(httptest.NewRecorder(), r)
	}
	if f.Hang {
		<-r.Context().Done()
		return
	}
	if f.Drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return
		}
		panic(http.ErrAbortHandler)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	switch {
	case f.Body != "":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
	case status >= 300 && status < 400:
		w.Header().Set("Location", f.Location)
		w.WriteHeader(status)
	default:
		apiError(w, r, api, op, status, http.StatusText(status), "fault injected by the test")
	}
}
