package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
)

var idTypes = map[string]bool{"ALIAS": true, "EMAIL": true, "EXT": true, "ID": true, "MSISDN": true, "MPOS": true, "USER": true}

func (s *Server) holder(w http.ResponseWriter, r *http.Request, op string) *customer {
	if r.Header.Get("transactionId") == "" {
		apiError(w, r, Accountholders, op, http.StatusBadRequest, "Bad Request", "the transactionId header is required")
		return nil
	}
	c := s.lookup(r.PathValue("id"))
	if c == nil {
		apiError(w, r, Accountholders, op, http.StatusNotFound, "Not Found", "accountholder not found")
		return nil
	}
	return c
}

// identities are the ids an accountholder can be verified by.
func identities(c *customer) []map[string]any {
	return []map[string]any{
		{"idType": "MSISDN", "idValue": c.id},
		{"idType": "ID", "idValue": "80021439" + c.id[len(c.id)-5:]},
	}
}

func (s *Server) getAccountholder(w http.ResponseWriter, r *http.Request) {
	const op = "accountholders.get"
	c := s.holder(w, r, op)
	if c == nil {
		return
	}
	ids := []any{}
	for _, id := range identities(c) {
		ids = append(ids, id)
	}
	s.mu.Lock()
	status := c.holder
	s.mu.Unlock()
	data := map[string]any{
		"identity": ids, "firstName": "Thandi", "lastName": "Nkosi", "profileName": "Mobile Money User Profile",
		"fris":                    []any{map[string]any{"friType": "MSISDN", "currency": map[string]any{"code": c.currency}}},
		"loyaltyPointsAccountFri": "FRI:" + c.id + "/LP",
		"acceptedtc":              []any{map[string]any{"acceptedtcversion": "v2", "dateTime": "2021-01-30T08:30:00Z"}},
		"accountholderStatus":     status, "bankDomainName": "MFS", "homeChargingRegionName": "Gauteng",
		"accountholderType": "INDIVIDUAL", "hasParent": false, "languageCode": map[string]any{"code": "en"},
		"child": []any{},
	}
	if r.URL.Query().Get("includeoffnet") == "true" {
		data["offnet"] = false
	}
	writeJSON(w, http.StatusOK, map[string]any{"statusCode": "0000", "customerId": c.id, "data": data,
		"_links": link(r, Roots[Accountholders]+"/accountholders/"+c.id)})
}

func (s *Server) validateAccountholder(w http.ResponseWriter, r *http.Request) {
	const op = "accountholders.validate"
	c := s.holder(w, r, op)
	if c == nil {
		return
	}
	s.mu.Lock()
	status := c.holder
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, statusBody(r, c, status == "ACTIVE", "accountholderStatus="+status))
}

func statusBody(r *http.Request, c *customer, valid bool, info string) map[string]any {
	return map[string]any{"statusCode": "0000", "customerId": c.id,
		"data":   map[string]any{"isValid": valid, "extension": []any{map[string]any{"extensionInformation": info}}},
		"_links": link(r, Roots[Accountholders]+"/accountholders/"+c.id+"/validate")}
}

func (s *Server) verifyAccountholder(w http.ResponseWriter, r *http.Request) {
	const op = "accountholders.verify"
	c := s.holder(w, r, op)
	if c == nil {
		return
	}
	var req struct {
		OptInVerificationPerformed bool `json:"optInVerificationPerformed"`
		Identity                   []struct {
			IDType  string `json:"idType"`
			IDValue string `json:"idValue"`
		} `json:"identity"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil || req.Identity == nil {
		apiError(w, r, Accountholders, op, http.StatusBadRequest, "Bad Request", "body must be a verifyRequest with an identity list")
		return
	}
	known := map[string]bool{}
	for _, id := range identities(c) {
		known[id["idType"].(string)+"|"+id["idValue"].(string)] = true
	}
	valid := len(req.Identity) > 0
	for _, id := range req.Identity {
		if !idTypes[id.IDType] {
			apiError(w, r, Accountholders, op, http.StatusBadRequest, "Bad Request", "unknown idType "+id.IDType)
			return
		}
		valid = valid && known[id.IDType+"|"+id.IDValue]
	}
	s.mu.Lock()
	valid = valid && c.holder == "ACTIVE"
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, statusBody(r, c, valid, "verified identities: "+strconv.Itoa(len(req.Identity))))
}
