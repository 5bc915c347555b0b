package edge

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// transportWS makes gqlgen's WebSocket transport keep three rules of
// graphql-transport-ws that it does not (checked by the graphql-ws client
// and the protocol's own tests):
//   - a socket that sends no connection_init in time is closed with 4408,
//     not 1002;
//   - a subscribe whose id is already running closes the socket with 4409,
//     instead of running the operation twice;
//   - error is the last message of an operation: no complete follows it.
//
// It wraps the connection, so gqlgen's transport is used as it is; the
// legacy graphql-ws subprotocol is left untouched.
type transportWS struct {
	transport.WebsocketImplementation
}

const graphqlTransportWS = "graphql-transport-ws"

func (t transportWS) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := t.WebsocketImplementation.Accept(w, r, o)
	if err != nil || c.Subprotocol() != graphqlTransportWS {
		return c, err
	}
	return &protocolConn{WebsocketConn: c, running: map[string]bool{}}, nil
}

type protocolConn struct {
	transport.WebsocketConn
	mu      sync.Mutex
	running map[string]bool // ids whose operation has neither completed nor failed
	ended   map[string]bool // ids that ended with error: their complete is dropped
}

// envelope is the part of a message the rules need.
type envelope struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func (c *protocolConn) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil {
		return typ, r, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return typ, nil, err
	}
	var m envelope
	_ = json.Unmarshal(b, &m) // gqlgen answers what does not parse
	c.mu.Lock()
	switch m.Type {
	case "subscribe":
		if c.running[m.ID] {
			c.mu.Unlock()
			_ = c.WebsocketConn.WriteClose(4409, "Subscriber for "+m.ID+" already exists")
			return typ, nil, transport.ErrWebsocketClosed
		}
		c.running[m.ID] = true
		delete(c.ended, m.ID)
	case "complete":
		delete(c.running, m.ID)
	}
	c.mu.Unlock()
	return typ, bytes.NewReader(b), nil
}

func (c *protocolConn) WriteJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var m envelope
	_ = json.Unmarshal(b, &m)
	c.mu.Lock()
	switch m.Type {
	case "error":
		delete(c.running, m.ID)
		if c.ended == nil {
			c.ended = map[string]bool{}
		}
		c.ended[m.ID] = true
	case "complete":
		delete(c.running, m.ID)
		if c.ended[m.ID] {
			delete(c.ended, m.ID)
			c.mu.Unlock()
			return nil
		}
	}
	c.mu.Unlock()
	return c.WebsocketConn.WriteJSON(json.RawMessage(b))
}

func (c *protocolConn) WriteClose(code int, msg string) error {
	if code == transport.WebsocketCloseProtocolError && msg == "connection initialisation timeout" {
		code, msg = 4408, "Connection initialisation timeout"
	}
	return c.WebsocketConn.WriteClose(code, msg)
}

// The optional interfaces gqlgen looks for on the connection.

func (c *protocolConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *protocolConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
