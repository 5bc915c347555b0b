// Package persisted holds the facade's persisted operations: automatic
// persisted queries (Apollo's APQ protocol: a client sends the SHA-256 of a
// document, and the document only when the facade does not know it yet),
// and a manifest of trusted documents that, with persisted-only on, are the
// only operations the facade runs.
package persisted

import (
	"context"
	"crypto/sha256"
	"customergraph/codes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Hash is a document's SHA-256 in lower-case hex, as clients compute it.
func Hash(doc string) string {
	b := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(b[:])
}

// Manifest maps a document's hash to the document.
type Manifest map[string]string

// Load reads a manifest in either format client tooling emits: Apollo's
// persisted query manifest ({"format": "apollo-persisted-query-manifest",
// "operations": [{"id", "body", …}]}) or a plain {"hash": "document"}
// object (GraphQL Code Generator's persisted documents). Every id must be
// its document's SHA-256: a manifest that lies is refused at start.
func Load(path string) (Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var apollo struct {
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	m := Manifest{}
	if err := json.Unmarshal(b, &apollo); err == nil && apollo.Operations != nil {
		for _, op := range apollo.Operations {
			m[op.ID] = op.Body
		}
	} else if err := json.Unmarshal(b, (*map[string]string)(&m)); err != nil {
		return nil, fmt.Errorf("%s: neither an Apollo persisted query manifest nor a {hash: document} object: %w", path, err)
	}
	for id, doc := range m {
		if Hash(doc) != id {
			return nil, fmt.Errorf("%s: operation %s is not the SHA-256 of its document (that is %s)", path, id, Hash(doc))
		}
	}
	return m, nil
}

// Extension resolves persisted queries before anything reads the document:
// install it before the query limits.
type Extension struct {
	// Cache holds the documents clients registered (APQ); nil turns APQ off.
	Cache graphql.Cache[string]
	// Manifest holds the trusted documents.
	Manifest Manifest
	// Only refuses every document not in Manifest, before it is parsed.
	Only bool
	// MaxDocumentBytes bounds a registered document: a longer one runs,
	// and is not kept. 0 keeps any.
	MaxDocumentBytes int
	// Quota, when set, bounds each client's registrations; Client names the
	// client of a request.
	Quota  *Quota
	Client func(context.Context) string
	// Mismatch, when set, is told of a document the cache returned that is
	// not its hash's (a shared store written by someone else).
	Mismatch func(ctx context.Context, hash string)
}

var (
	_ graphql.HandlerExtension          = Extension{}
	_ graphql.OperationParameterMutator = Extension{}
)

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "PersistedOperations" }

// Validate implements graphql.HandlerExtension.
func (Extension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters fills in the document of a hash-only request,
// registers a sent one (APQ), and refuses what persisted-only forbids.
func (e Extension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash, err := requested(p.Extensions)
	if err != nil {
		return err
	}
	if p.Query != "" {
		sent := Hash(p.Query)
		if hash != "" && hash != sent {
			return coded(codes.BadRequest, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent")
		}
		if e.Only {
			if _, ok := e.Manifest[sent]; !ok {
				return notAllowed()
			}
			return nil
		}
		if hash != "" && e.Cache != nil && e.mayRegister(ctx, p.Query) {
			e.Cache.Add(ctx, hash, p.Query)
		}
		return nil
	}
	if hash == "" {
		return nil // no document and no hash: gqlgen answers that itself
	}
	if doc, ok := e.Manifest[hash]; ok {
		p.Query = doc
		return nil
	}
	if e.Only {
		return notAllowed()
	}
	if e.Cache != nil {
		// A shared store is not trusted: a document is run only if it is
		// the one its hash names. Any other is a miss, and the client sends
		// the document again.
		if doc, ok := e.Cache.Get(ctx, hash); ok {
			if Hash(doc) == hash {
				p.Query = doc
				return nil
			}
			if e.Mismatch != nil {
				e.Mismatch(ctx, hash)
			}
		}
	}
	return coded(codes.PersistedNotFound, "PersistedQueryNotFound")
}

// mayRegister reports whether doc may be kept: within the size bound and
// its client's quota.
func (e Extension) mayRegister(ctx context.Context, doc string) bool {
	if e.MaxDocumentBytes > 0 && len(doc) > e.MaxDocumentBytes {
		return false
	}
	if e.Quota == nil {
		return true
	}
	client := ""
	if e.Client != nil {
		client = e.Client(ctx)
	}
	return e.Quota.Allow(client)
}

// requested reads extensions.persistedQuery: version 1 and a SHA-256 hex hash.
func requested(ext map[string]any) (string, *gqlerror.Error) {
	raw, ok := ext["persistedQuery"]
	if !ok || raw == nil {
		return "", nil
	}
	pq, ok := raw.(map[string]any)
	if !ok {
		return "", coded(codes.BadRequest, "extensions.persistedQuery must be an object {version: 1, sha256Hash}")
	}
	if v, _ := pq["version"].(json.Number); v != "1" {
		if f, ok := pq["version"].(float64); !ok || f != 1 {
			return "", coded(codes.BadRequest, "extensions.persistedQuery.version must be 1")
		}
	}
	hash, _ := pq["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if len(hash) != 64 {
		return "", coded(codes.BadRequest, "extensions.persistedQuery.sha256Hash must be a SHA-256 in hex (64 characters)")
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return "", coded(codes.BadRequest, "extensions.persistedQuery.sha256Hash must be a SHA-256 in hex (64 characters)")
	}
	return hash, nil
}

func notAllowed() *gqlerror.Error {
	return coded(codes.PersistedNotAllowed, "this server runs only its persisted operations (GRAPH_PERSISTED_ONLY): send a registered operation's sha256Hash in extensions.persistedQuery")
}

func coded(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}
