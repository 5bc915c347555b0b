package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"customergraph/sandbox"
)

// floor is the hand-written alternative to the facade: an HTTP handler that
// makes the same REST calls in parallel and returns what they said, with no
// schema, no validation, no error mapping. It is what a BFF team would
// write by hand, and the floor the facade is measured against.
type floor struct {
	base   string
	client *http.Client
	mu     sync.Mutex
	token  string
}

func newFloor(base string) (*floor, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 512
	tr.MaxIdleConns = 1024
	f := &floor{base: base, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	return f, f.fetchToken()
}

// fetchToken gets an OAuth2 token, as any client must after a revocation.
func (f *floor) fetchToken() error {
	base := f.base
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandbox.ClientID, sandbox.ClientSecret)
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return err
	}
	f.mu.Lock()
	f.token = tok.AccessToken
	f.mu.Unlock()
	return nil
}

func (f *floor) get(ctx context.Context, path string) (any, error) {
	v, status, err := f.try(ctx, path)
	if status == http.StatusUnauthorized && f.fetchToken() == nil {
		v, _, err = f.try(ctx, path)
	}
	return v, err
}

func (f *floor) try(ctx context.Context, path string) (any, int, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", f.base+path, nil)
	req.Header.Set("X-API-Key", sandbox.APIKey)
	req.Header.Set("transactionId", "floor-bench-1")
	if strings.HasPrefix(path, "/accountholders") {
		f.mu.Lock()
		req.Header.Set("Authorization", "Bearer "+f.token)
		f.mu.Unlock()
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, resp.StatusCode, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusMultiStatus {
		return nil, resp.StatusCode, fmt.Errorf("%s: %d", path, resp.StatusCode)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, resp.StatusCode, err
	}
	return v, resp.StatusCode, nil
}

// fan calls every path in parallel and answers {path: body}.
func (f *floor) fan(w http.ResponseWriter, r *http.Request, paths []string) {
	out := make(map[string]any, len(paths))
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := f.get(r.Context(), p)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out[p] = v
		}()
	}
	wg.Wait()
	if firstErr != nil {
		http.Error(w, firstErr.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (f *floor) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/floor/full", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		f.fan(w, r, []string{
			"/profiles/v1/customers/" + id + "?propset=full",
			"/plans/v2/customers/" + id + "/plans?momo=true&includeReservations=true",
			"/subscriptions/v2/customers/" + id + "/subscriptions",
			"/subscriptions/v2/customers/" + id + "/subscriptions-providers",
			"/accountholders/v1/accountholders/" + id + "?includeoffnet=true",
			"/accountholders/v1/accountholders/" + id + "/validate",
		})
	})
	mux.HandleFunc("/floor/basic", func(w http.ResponseWriter, r *http.Request) {
		f.fan(w, r, []string{"/profiles/v1/customers/" + r.URL.Query().Get("id") + "?propset=basic"})
	})
	mux.HandleFunc("/floor/list", func(w http.ResponseWriter, r *http.Request) {
		var paths []string
		for _, id := range strings.Split(r.URL.Query().Get("ids"), ",") {
			paths = append(paths, "/profiles/v1/customers/"+id+"?propset=full")
		}
		f.fan(w, r, paths)
	})
	mux.HandleFunc("/floor/aliases", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		f.fan(w, r, []string{
			"/profiles/v1/customers/" + id + "?propset=full",
			"/plans/v2/customers/" + id + "/plans?plan=DATA",
			"/plans/v2/customers/" + id + "/plans?plan=VOICE",
		})
	})
	return mux
}
