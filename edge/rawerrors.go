package edge

import (
	"bytes"
	"customergraph/codes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
)

// jsonListener makes the few answers net/http writes itself, before any
// handler runs (431 for a request line and headers over MaxHeaderBytes, 400
// for a malformed request, 501 for an unknown transfer encoding), the same
// JSON error every other refusal is. net/http writes each of them to the
// raw connection in one write, as a status line followed by exactly these
// headers, and closes the connection; no handler's answer has this shape
// (net/http adds Date to theirs), so nothing else is touched.
type jsonListener struct{ net.Listener }

const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (l jsonListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrorConn{Conn: c}, nil
}

type jsonErrorConn struct{ net.Conn }

// CloseWrite keeps what net/http does after an early error: it half-closes
// and lingers so that the client reads the answer before the reset of a
// request it did not read to the end. Hidden behind the wrapper, that step
// was skipped.
func (c *jsonErrorConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *jsonErrorConn) Write(b []byte) (int, error) {
	if rewritten, ok := rewriteNetHTTPError(b); ok {
		if _, err := c.Conn.Write(rewritten); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// rewriteNetHTTPError turns "HTTP/1.1 431 Request Header Fields Too
// Large<headers>431 …" into the same status with a JSON error body.
func rewriteNetHTTPError(b []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(b, []byte("HTTP/1.1 "))
	if !ok || len(rest) < 4 || rest[3] != ' ' {
		return nil, false
	}
	statusLine, _, ok := bytes.Cut(rest, []byte(netHTTPErrorHeaders))
	if !ok || bytes.Contains(statusLine, []byte("\r\n")) {
		return nil, false
	}
	status, err := strconv.Atoi(string(rest[:3]))
	if err != nil || status < 400 {
		return nil, false
	}
	code, msg := codes.BadRequest, "the request could not be parsed as HTTP/1.1"
	switch status {
	case 431:
		code, msg = codes.RequestTooLarge, "the request line and headers exceed the server's limit; send a long document by POST, within GRAPH_MAX_BODY_BYTES"
	case 501:
		code, msg = codes.BadRequest, "unsupported transfer encoding"
	}
	body, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
	var out bytes.Buffer
	out.WriteString("HTTP/1.1 ")
	out.Write(statusLine[:3])
	out.WriteString(" ")
	out.WriteString(http.StatusText(status))
	out.WriteString("\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ")
	out.WriteString(strconv.Itoa(len(body)))
	out.WriteString("\r\n\r\n")
	out.Write(body)
	return out.Bytes(), true
}
