package upstream

import (
	"bytes"

	json "github.com/goccy/go-json"
)

// Link is a hypermedia link as any of the specs spell it: an object
// {self:{href}}, a bare URL string, a {href, rel} object, or an array of
// either. Only the href survives.
type Link struct {
	Href string
}

// UnmarshalJSON accepts every link shape of the four specs.
func (l *Link) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch b[0] {
	case '"':
		return json.Unmarshal(b, &l.Href)
	case '[':
		var list []Link
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, x := range list {
			if x.Href != "" {
				l.Href = x.Href
				return nil
			}
		}
		return nil
	case '{':
		var o struct {
			Href string          `json:"href"`
			Self json.RawMessage `json:"self"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		if o.Href != "" {
			l.Href = o.Href
			return nil
		}
		if len(o.Self) > 0 {
			var self Link
			if err := json.Unmarshal(o.Self, &self); err != nil {
				return err
			}
			l.Href = self.Href
		}
	}
	return nil
}

// isNull reports whether a raw member is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
