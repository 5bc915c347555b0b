// Package envconfig reads a configuration struct from the environment with
// caarlos0/env, from the variables its env tags name and no others. The
// names come from the tags themselves (env.GetFieldParams), so a variable
// added to a struct is read without being added to any list, and an error
// names the variable, not the Go field.
package envconfig

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Parse fills *v from getenv (os.Getenv in production, a map in tests).
func Parse(v any, getenv func(string) string) error {
	names, err := Names(v)
	if err != nil {
		return err
	}
	environ := map[string]string{}
	for _, n := range names {
		if s := getenv(n); s != "" {
			environ[n] = s
		}
	}
	err = env.ParseWithOptions(v, env.Options{Environment: environ})
	keys := fieldKeys(reflect.TypeOf(v).Elem())
	if err == nil {
		if msgs := checkRanges(v, keys, environ); len(msgs) > 0 {
			return errors.New(strings.Join(msgs, "; "))
		}
		return nil
	}
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	msgs := make([]string, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) && keys[pe.Name] != "" {
			msgs = append(msgs, fmt.Sprintf("%s=%q is not a valid %s", keys[pe.Name], environ[keys[pe.Name]], pe.Type))
			continue
		}
		msgs = append(msgs, e.Error())
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Names are the variables v's tags name, sorted.
func Names(v any) ([]string, error) {
	params, err := env.GetFieldParams(v)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range params {
		if p.Key != "" && !p.Ignored {
			out = append(out, p.Key)
		}
	}
	sort.Strings(out)
	return out, nil
}

// fieldKeys maps each Go field of t to the variable its tag names.
func fieldKeys(t reflect.Type) map[string]string {
	out := map[string]string{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if key, _, _ := strings.Cut(f.Tag.Get("env"), ","); key != "" && key != "-" {
			out[f.Name] = key
		}
	}
	return out
}
