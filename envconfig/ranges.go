package envconfig

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// A field's range tag bounds its value: range:"1," is at least 1,
// range:"0s,5m" between 0s and 5m, range:",1" at most 1. checkRanges is
// run by Parse, so a value outside is refused at start with the
// variable's name, never silently taken (GRAPH_MAX_COST=-1 once disabled
// the cost limit).
func checkRanges(v any, keys map[string]string, environ map[string]string) []string {
	rv := reflect.ValueOf(v).Elem()
	t := rv.Type()
	var msgs []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("range")
		if !ok {
			continue
		}
		lo, hi, _ := strings.Cut(tag, ",")
		val := rv.Field(i)
		if val.Kind() == reflect.Pointer {
			if val.IsNil() {
				continue // unset: the mode decides
			}
			val = val.Elem()
		}
		if msg := outside(val, lo, hi); msg != "" {
			name := keys[f.Name]
			shown := environ[name]
			if shown == "" {
				shown = f.Tag.Get("envDefault")
			}
			msgs = append(msgs, fmt.Sprintf("%s=%q is out of range: %s", name, shown, msg))
		}
	}
	return msgs
}

// Range is the human form of a field's range tag ("≥ 1", "0s–5m"), for
// documentation and the config command; "" when it has none.
func Range(f reflect.StructField) string {
	tag, ok := f.Tag.Lookup("range")
	if !ok {
		return ""
	}
	lo, hi, _ := strings.Cut(tag, ",")
	switch {
	case lo != "" && hi != "":
		return lo + "–" + hi
	case lo != "":
		return "≥ " + lo
	case hi != "":
		return "≤ " + hi
	}
	return ""
}

// outside reports why val is outside [lo, hi], or "".
func outside(val reflect.Value, lo, hi string) string {
	var x float64
	var parse func(string) (float64, error)
	switch {
	case val.Type() == reflect.TypeOf(time.Duration(0)):
		x = float64(val.Int())
		parse = func(s string) (float64, error) { d, err := time.ParseDuration(s); return float64(d), err }
	case val.CanInt():
		x = float64(val.Int())
		parse = func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	case val.CanUint():
		x = float64(val.Uint())
		parse = func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	case val.CanFloat():
		x = val.Float()
		parse = func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	default:
		panic(fmt.Sprintf("envconfig: range tag on a %s", val.Type()))
	}
	bound := func(s string) float64 {
		b, err := parse(s)
		if err != nil {
			panic(fmt.Sprintf("envconfig: bad range bound %q: %v", s, err))
		}
		return b
	}
	switch {
	case lo != "" && x < bound(lo) && hi != "":
		return "must be between " + lo + " and " + hi
	case lo != "" && x < bound(lo):
		return "must be at least " + lo
	case hi != "" && x > bound(hi) && lo != "":
		return "must be between " + lo + " and " + hi
	case hi != "" && x > bound(hi):
		return "must be at most " + hi
	}
	return ""
}
