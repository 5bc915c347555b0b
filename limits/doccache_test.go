package limits

import (
	"context"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

func TestDocumentCacheIsBoundedBySize(t *testing.T) {
	ctx := context.Background()
	c := NewDocumentCache(1000, 100_000)
	doc := &ast.QueryDocument{}
	padded := func(i int) string { return strings.Repeat("#", 5000) + string(rune('a'+i%26)) + strings.Repeat("x", i) }
	for i := range 100 {
		c.Add(ctx, padded(i), doc)
	}
	entries, bytes := c.Size()
	if bytes > 100_000 || entries > 5 || entries == 0 {
		t.Errorf("%d entries, %d bytes; want within 100,000 bytes", entries, bytes)
	}
	if _, ok := c.Get(ctx, padded(99)); !ok {
		t.Error("the most recent document was evicted")
	}
	if _, ok := c.Get(ctx, padded(0)); ok {
		t.Error("the oldest document is still held")
	}
	c.Add(ctx, strings.Repeat("#", 30_000), doc)
	if _, ok := c.Get(ctx, strings.Repeat("#", 30_000)); ok {
		t.Error("a document of over a quarter of the cache was kept")
	}
	c = NewDocumentCache(1000, 10<<20)
	for i := range 2000 {
		c.Add(ctx, string(rune(0x4e00+i)), doc)
	}
	if entries, _ := c.Size(); entries != 1000 {
		t.Errorf("%d entries, want the 1,000 bound", entries)
	}
}
