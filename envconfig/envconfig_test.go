package envconfig

import (
	"slices"
	"testing"
	"time"
)

type sample struct {
	Depth   int             `env:"X_MAX_DEPTH" envDefault:"20"`
	Timeout time.Duration   `env:"X_TIMEOUT" envDefault:"1s"`
	Name    string          `env:"X_NAME"`
	Inner   struct{ A int } `env:"-"`
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want sample
		err  string
	}{
		{"defaults", nil, sample{Depth: 20, Timeout: time.Second}, ""},
		{"every tagged variable is read", map[string]string{"X_MAX_DEPTH": "7", "X_TIMEOUT": "2s", "X_NAME": "n", "OTHER": "x"},
			sample{Depth: 7, Timeout: 2 * time.Second, Name: "n"}, ""},
		{"an error names the variable", map[string]string{"X_MAX_DEPTH": "deep"}, sample{},
			`X_MAX_DEPTH="deep" is not a valid int`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got sample
			err := Parse(&got, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("%+v %v, want %+v", got, err, tc.want)
			}
		})
	}
	if names, _ := Names(&sample{}); !slices.Equal(names, []string{"X_MAX_DEPTH", "X_NAME", "X_TIMEOUT"}) {
		t.Errorf("names %v", names)
	}
}
