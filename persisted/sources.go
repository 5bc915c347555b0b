package persisted

import (
	"os"
	"path/filepath"
	"regexp"
)

var playgroundTab = regexp.MustCompile("(?s)const (\\w+) = `(.*?)`;")

// Shipped are the documents the repository ships to its clients, by name:
// the playground's tabs (web/src/examples.js) and edge/testdata/queries. They
// are what scripts/manifest writes into a manifest of trusted documents.
func Shipped(root string) (map[string]string, error) {
	docs := map[string]string{}
	js, err := os.ReadFile(filepath.Join(root, "web", "src", "examples.js"))
	if err != nil {
		return nil, err
	}
	for _, m := range playgroundTab.FindAllStringSubmatch(string(js), -1) {
		docs["playground tab "+m[1]] = m[2]
	}
	files, err := filepath.Glob(filepath.Join(root, "edge", "testdata", "queries", "*.graphql"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		docs[filepath.ToSlash(f[len(root)+1:])] = string(b)
	}
	return docs, nil
}
