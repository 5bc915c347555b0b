package edge

import (
	"fmt"
	"reflect"
	"strings"
)

// A Setting is one variable as the facade will use it.
type Setting struct{ Name, Value string }

// secrets are the variables whose value is never printed: only whether
// one is set.
var secrets = map[string]bool{
	"MTN_API_KEY": true, "MTN_CLIENT_SECRET": true, "GRAPH_CLIENT_KEYS": true,
	"GRAPH_CALLBACK_SECRET": true, "GRAPH_LOG_HASH_KEY": true, "REDIS_URL": true,
}

// Effective lists every variable the facade reads with the value it will
// use (the environment's, else the default), secrets redacted, for
// `customergraph config`.
func (c Config) Effective(getenv func(string) string) []Setting {
	var out []Setting
	for _, v := range []any{&c, &c.Upstream} {
		t := reflect.TypeOf(v).Elem()
		val := reflect.ValueOf(v).Elem()
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("env"), ",")
			if name == "" || name == "-" {
				continue
			}
			out = append(out, Setting{name, shown(name, val.Field(i), getenv(name) != "")})
		}
	}
	return out
}

func shown(name string, v reflect.Value, set bool) string {
	if secrets[name] {
		if set {
			return "(set, redacted)"
		}
		return "(unset)"
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "(unset: follows the mode)"
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Slice {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v.Interface())
}
