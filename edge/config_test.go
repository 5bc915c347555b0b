package edge

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"customergraph/upstream"
)

// TestConfigRefusesValuesOutOfRange sets each variable that has a range,
// one at a time, just outside it, and then to something that is not a
// value at all: the start is refused naming the variable.
func TestConfigRefusesValuesOutOfRange(t *testing.T) {
	t.Parallel()
	type bad struct{ name, value string }
	var cases []bad
	for _, typ := range []reflect.Type{reflect.TypeOf(Config{}), reflect.TypeOf(upstream.Config{})} {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag, ok := f.Tag.Lookup("range")
			if !ok {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
			lo, hi, _ := strings.Cut(tag, ",")
			if lo != "" {
				cases = append(cases, bad{name, beside(f.Type, lo, -1)})
			}
			if hi != "" {
				cases = append(cases, bad{name, beside(f.Type, hi, +1)})
			}
			cases = append(cases, bad{name, "lots"})
		}
	}
	if len(cases) < 80 {
		t.Fatalf("only %d cases: the range tags were not found", len(cases))
	}
	for _, c := range cases {
		_, err := LoadConfig(func(k string) string {
			if k == c.name {
				return c.value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), c.name+"=") {
			t.Errorf("%s=%s: %v, want an error naming %s", c.name, c.value, err, c.name)
		}
	}
	if _, err := LoadConfig(func(string) string { return "" }); err != nil {
		t.Errorf("the defaults are refused: %v", err)
	}
}

// beside is a value of type t just below (dir -1) or above (+1) bound.
func beside(t reflect.Type, bound string, dir int) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeOf(time.Duration(0)) {
		d, _ := time.ParseDuration(bound)
		return (d + time.Duration(dir)*time.Millisecond).String()
	}
	f, _ := strconv.ParseFloat(bound, 64)
	if t.Kind() == reflect.Float64 {
		return strconv.FormatFloat(f+float64(dir)*0.001, 'f', -1, 64)
	}
	return strconv.FormatInt(int64(f)+int64(dir), 10)
}
