package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ordered is a JSON value that keeps its objects' member order, so that a
// merged answer lists fields in the order the query asked for them.
// Exactly one of obj, arr and raw is set.
type ordered struct {
	keys []string
	obj  map[string]*ordered
	arr  []*ordered
	raw  json.RawMessage
}

func parseOrdered(b json.RawMessage) (*ordered, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return decodeOrdered(dec)
}

func decodeOrdered(dec *json.Decoder) (*ordered, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &ordered{obj: map[string]*ordered{}}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			key := k.(string)
			if _, dup := o.obj[key]; !dup {
				o.keys = append(o.keys, key)
			}
			o.obj[key] = v
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		o := &ordered{arr: []*ordered{}}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			o.arr = append(o.arr, v)
		}
		_, err := dec.Token()
		return o, err
	}
	b, err := json.Marshal(tok)
	return &ordered{raw: b}, err
}

func (o *ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	switch {
	case o.obj != nil:
		b.WriteByte('{')
		for i, k := range o.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			vb, err := o.obj[k].MarshalJSON()
			if err != nil {
				return nil, err
			}
			b.Write(kb)
			b.WriteByte(':')
			b.Write(vb)
		}
		b.WriteByte('}')
	case o.arr != nil:
		b.WriteByte('[')
		for i, v := range o.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			vb, err := v.MarshalJSON()
			if err != nil {
				return nil, err
			}
			b.Write(vb)
		}
		b.WriteByte(']')
	default:
		b.Write(o.raw)
	}
	return b.Bytes(), nil
}

var errNoSuchPath = errors.New("the deferred part's path is not in the answer")

// mergeAt merges the object data into the object at path: a deferred
// fragment's fields join the fields already answered there.
func (o *ordered) mergeAt(path ast.Path, data json.RawMessage) error {
	at := o
	for _, p := range path {
		switch p := p.(type) {
		case ast.PathName:
			at = at.obj[string(p)]
		case ast.PathIndex:
			if int(p) < 0 || int(p) >= len(at.arr) {
				return errNoSuchPath
			}
			at = at.arr[p]
		}
		if at == nil {
			return errNoSuchPath
		}
	}
	if at.obj == nil {
		// The object was nulled by an error: the error says so already.
		return nil
	}
	d, err := parseOrdered(data)
	if err != nil {
		return fmt.Errorf("a deferred part: %w", err)
	}
	at.merge(d)
	return nil
}

func (o *ordered) merge(d *ordered) {
	for _, k := range d.keys {
		prev, ok := o.obj[k]
		if ok && prev.obj != nil && d.obj[k].obj != nil {
			prev.merge(d.obj[k])
			continue
		}
		if !ok {
			o.keys = append(o.keys, k)
		}
		o.obj[k] = d.obj[k]
	}
}

// withoutDeferred takes out of a first payload the fields gqlgen answers
// null in place of a deferred fragment's: the incremental delivery RFC
// leaves them out, and a client that sees null takes the field for
// answered (Apollo Client calls such data complete, and a screen shows
// "no plans" until they come). A payload it cannot read is left as is.
func withoutDeferred(oc *graphql.OperationContext, schema *ast.Schema, data json.RawMessage) json.RawMessage {
	root, err := parseOrdered(data)
	if err != nil || root.obj == nil || oc.Operation == nil {
		return data
	}
	var t *ast.Definition
	switch oc.Operation.Operation {
	case ast.Mutation:
		t = schema.Mutation
	default:
		t = schema.Query
	}
	stripDeferred(oc, schema, oc.Operation.SelectionSet, t, root)
	b, err := root.MarshalJSON()
	if err != nil {
		return data
	}
	return b
}

func stripDeferred(oc *graphql.OperationContext, schema *ast.Schema, sel ast.SelectionSet, t *ast.Definition, v *ordered) {
	if v == nil || t == nil {
		return
	}
	if v.arr != nil {
		for _, e := range v.arr {
			stripDeferred(oc, schema, sel, t, e)
		}
		return
	}
	if v.obj == nil {
		return
	}
	if t.Kind == ast.Interface || t.Kind == ast.Union {
		var name string
		if tn := v.obj["__typename"]; tn == nil || json.Unmarshal(tn.raw, &name) != nil || schema.Types[name] == nil {
			return // which fragments apply is unknown without the type
		}
		t = schema.Types[name]
	}
	satisfies := append([]string{t.Name}, t.Interfaces...)
	for _, u := range schema.Types {
		if u.Kind == ast.Union && slices.Contains(u.Types, t.Name) {
			satisfies = append(satisfies, u.Name)
		}
	}
	for _, f := range graphql.CollectFields(oc, sel, satisfies) {
		child, ok := v.obj[f.Alias]
		if !ok {
			continue
		}
		if f.IsDeferred() {
			delete(v.obj, f.Alias)
			v.keys = slices.DeleteFunc(v.keys, func(k string) bool { return k == f.Alias })
			continue
		}
		if def := t.Fields.ForName(f.Name); def != nil {
			stripDeferred(oc, schema, f.Selections, schema.Types[def.Type.Name()], child)
		}
	}
}
