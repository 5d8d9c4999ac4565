package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// DefaultVersion is the Graph API version used when Client.Version is empty.
const DefaultVersion = "v21.0"

// DefaultBaseURL is Meta's Graph API host.
const DefaultBaseURL = "https://graph.facebook.com"

// maxResponseBytes bounds how much of a response is read: a send response is a few hundred bytes, and a
// misbehaving server must not be able to make us buffer an unbounded body.
const maxResponseBytes = 1 << 20

// defaultTimeout applies only when Client.HTTP is nil, so a send cannot hang forever when the caller's
// context has no deadline.
const defaultTimeout = 30 * time.Second

// Client sends messages through the Cloud API, or through anything that speaks it, such as the
// embedded simulator.
type Client struct {
	// BaseURL is for example "https://graph.facebook.com" or "http://127.0.0.1:8080/sim".
	BaseURL string
	// Version is the Graph API version, for example "v21.0"; empty means DefaultVersion.
	Version     string
	AccessToken string
	// HTTP is the client used for requests; nil means a client with a 30-second timeout.
	HTTP *http.Client
	// MediaHTTP carries file uploads and downloads, which may take minutes; nil means a client without an
	// overall timeout (each transfer is bounded by its context).
	MediaHTTP *http.Client
}

// sendResponse is the body of a successful POST /messages.
type sendResponse struct {
	MessagingProduct string `json:"messaging_product"`
	Contacts         []struct {
		Input string `json:"input"`
		WAID  string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

// Send posts one message from the business number phoneNumberID and returns the wamid Meta assigned.
//
// Failures are classified for the outbox: an invalid message wraps ErrInvalidMessage; an answer from
// Meta is an *APIError; no usable answer is a *TransportError, whose MaybeDelivered tells whether the
// message might have gone out anyway. IsTransient says which failures are safe to retry.
func (c *Client) Send(ctx context.Context, phoneNumberID string, message OutboundMessage) (wamid string, err error) {
	if message.MessagingProduct == "" {
		message.MessagingProduct = MessagingProduct
	}
	if err := message.Validate(); err != nil {
		return "", fmt.Errorf("whatsapp: send message: %w", err)
	}
	endpoint, err := c.messagesURL(phoneNumberID)
	if err != nil {
		return "", fmt.Errorf("whatsapp: send message: %w", err)
	}
	body, err := encodeJSON(message)
	if err != nil {
		return "", fmt.Errorf("whatsapp: send message: encode: %w", err)
	}

	// The transport reports a connection only once it is about to write the request; a failure before
	// that point certainly did not reach the server and is safe to retry.
	var connected atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	request, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("whatsapp: send message: %w", err)
	}
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set("Accept", "application/json")
	c.authorize(request)

	response, err := c.httpClient().Do(request)
	if err != nil {
		return "", fmt.Errorf("whatsapp: send message: %w", &TransportError{
			Err:            err,
			MaybeDelivered: maybeDelivered(err, connected.Load()),
		})
	}
	defer response.Body.Close()
	responseBody, readErr := io.ReadAll(io.LimitReader(response.Body, maxResponseBytes+1))

	if response.StatusCode < 200 || response.StatusCode > 299 {
		// Meta answered and refused, so nothing was sent, even when the body was cut short.
		return "", fmt.Errorf("whatsapp: send message: %w", parseAPIError(response.StatusCode, responseBody))
	}
	// From here on Meta accepted the request, so any doubt about the answer means the message may be out.
	if readErr != nil {
		return "", fmt.Errorf("whatsapp: send message: %w", &TransportError{Err: fmt.Errorf("read response: %w", readErr), MaybeDelivered: true})
	}
	if len(responseBody) > maxResponseBytes {
		return "", fmt.Errorf("whatsapp: send message: %w", &TransportError{Err: errors.New("response larger than 1 MiB"), MaybeDelivered: true})
	}
	var sent sendResponse
	if err := json.Unmarshal(responseBody, &sent); err != nil {
		return "", fmt.Errorf("whatsapp: send message: %w", &TransportError{Err: fmt.Errorf("decode response: %w", err), MaybeDelivered: true})
	}
	if len(sent.Messages) == 0 || sent.Messages[0].ID == "" {
		return "", fmt.Errorf("whatsapp: send message: %w", &TransportError{Err: errors.New("response has no message id"), MaybeDelivered: true})
	}
	return sent.Messages[0].ID, nil
}

// encodeJSON marshals without encoding/json's HTML escaping, so links with "&" in a message body go
// over the wire, and into logs, as the agent typed them.
func encodeJSON(value any) ([]byte, error) {
	var buffer bytes.Buffer
	encoder := json.NewEncoder(&buffer)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buffer.Bytes(), []byte("\n")), nil
}

func (c *Client) messagesURL(phoneNumberID string) (string, error) {
	if phoneNumberID == "" {
		return "", errors.New("no phone number id")
	}
	return c.endpoint(phoneNumberID, "messages")
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: defaultTimeout}
}

// maybeDelivered decides whether a failed request could have reached the server. Only failures to
// connect (dialing, DNS, TLS handshake, a context that ended first) are certain misses.
func maybeDelivered(err error, connected bool) bool {
	if opError, ok := errors.AsType[*net.OpError](err); ok && opError.Op == "dial" {
		return false
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return false
	}
	return connected
}
