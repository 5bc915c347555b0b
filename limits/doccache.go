package limits

import (
	"container/list"
	"context"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// DocumentCache is gqlgen's cache of parsed documents, bounded by entries
// and by size. A parsed document keeps its whole source text (every
// position points into it), so a count alone bounds nothing: a thousand
// documents padded with comments to the body limit held 64 MB and more.
type DocumentCache struct {
	maxEntries int
	maxBytes   int

	mu    sync.Mutex
	bytes int
	order *list.List // front: most recently used
	byKey map[string]*list.Element
}

type cached struct {
	key  string
	doc  *ast.QueryDocument
	size int
}

// NewDocumentCache returns a cache of at most maxEntries documents and
// maxBytes of their estimated size.
func NewDocumentCache(maxEntries, maxBytes int) *DocumentCache {
	return &DocumentCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// documentSize estimates what a cached document holds: its key and source
// (the same text, twice) and an AST several times that of its tokens.
func documentSize(key string) int { return 4*len(key) + 512 }

// Get implements graphql.Cache.
func (c *DocumentCache) Get(_ context.Context, key string) (*ast.QueryDocument, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).doc, true
}

// Add implements graphql.Cache. A document larger than a quarter of the
// whole cache is not kept: it would evict many others for one.
func (c *DocumentCache) Add(_ context.Context, key string, doc *ast.QueryDocument) {
	size := documentSize(key)
	if size > c.maxBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cached{key: key, doc: doc, size: size})
	c.bytes += size
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		old := c.order.Remove(c.order.Back()).(*cached)
		delete(c.byKey, old.key)
		c.bytes -= old.size
	}
}

// Size returns the entries and estimated bytes held.
func (c *DocumentCache) Size() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}
