package upstream

import (
	"errors"
	"net/url"
	"strings"
)

// checkPath refuses a path whose segments, once unescaped, are empty or dot
// segments: "/customers/1/subscriptions/." would be cleaned by a router to
// "/customers/1/subscriptions", which is unsubscribe-all. The resolvers check
// every id against its character set first (resolvers.CheckID); this is the
// second line of defence, for any caller of this package.
func checkPath(p string) error {
	if p == "" {
		return nil
	}
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		v, err := url.PathUnescape(seg)
		if err != nil {
			return errors.New("a path parameter is not a valid escaped segment")
		}
		if v == "" || strings.Trim(v, ".") == "" {
			return errors.New("a path parameter is empty or a dot segment")
		}
	}
	return nil
}
