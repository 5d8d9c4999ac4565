package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

const sendSuccess = `{"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],` +
	`"messages":[{"id":"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","message_status":"accepted"}]}`

// newTestClient points a Client at a test server that answers every request with handler.
func newTestClient(t *testing.T, handler http.HandlerFunc) *Client {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return &Client{BaseURL: server.URL, AccessToken: "EAAJB-test-token", HTTP: server.Client()}
}

func TestSendSuccess(t *testing.T) {
	var gotBody map[string]any
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/sim/v21.0/106540352242922/messages" {
			t.Errorf("request = %s %s", r.Method, r.URL.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer EAAJB-test-token" {
			t.Errorf("Authorization = %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q", got)
		}
		if err := json.NewDecoder(r.Body).Decode(&gotBody); err != nil {
			t.Errorf("decode request: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, sendSuccess)
	})
	client.BaseURL += "/sim/"

	message := NewText("16505551234", "Hello")
	message.MessagingProduct = "" // the client fills it in
	wamid, err := client.Send(context.Background(), "106540352242922", message)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if wamid != "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA" {
		t.Errorf("wamid = %q", wamid)
	}
	want := map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": "16505551234", "type": "text",
		"text": map[string]any{"preview_url": false, "body": "Hello"},
	}
	if gotJSON, wantJSON := mustJSON(t, gotBody), mustJSON(t, want); gotJSON != wantJSON {
		t.Errorf("request body = %s, want %s", gotJSON, wantJSON)
	}
}

func mustJSON(t *testing.T, value any) string {
	t.Helper()
	data, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSendAPIErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		want      APIError
		transient bool
	}{
		{
			name:   "re-engagement window closed",
			status: 400,
			body: `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,` +
				`"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},` +
				`"fbtrace_id":"AzRtPWzYNwRLx2s8DoWlcHg"}}`,
			want: APIError{
				HTTPStatus: 400, Code: 131047, Type: "OAuthException", Title: "Re-engagement message",
				Message:   "(#131047) Re-engagement message",
				Details:   "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
				FBTraceID: "AzRtPWzYNwRLx2s8DoWlcHg",
			},
		},
		{
			name:   "invalid parameter with a user title",
			status: 400,
			body: `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"error_subcode":2494010,` +
				`"error_user_title":"Phone number not on WhatsApp","error_user_msg":"The number is not registered.",` +
				`"error_data":{"messaging_product":"whatsapp","details":"Parameter Invalid"},"fbtrace_id":"AwmiSOCojlAkqvjCTjGt37r"}}`,
			want: APIError{
				HTTPStatus: 400, Code: 100, Subcode: 2494010, Type: "OAuthException", Title: "Phone number not on WhatsApp",
				Message: "(#100) Invalid parameter", Details: "Parameter Invalid", FBTraceID: "AwmiSOCojlAkqvjCTjGt37r",
			},
		},
		{
			name:   "expired token",
			status: 401,
			body:   `{"error":{"message":"Error validating access token: Session has expired on Friday, 06-Jun-25 10:00:00 PDT.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1b2"}}`,
			want: APIError{
				HTTPStatus: 401, Code: 190, Subcode: 463, Type: "OAuthException", Title: "Access token has expired",
				Message: "Error validating access token: Session has expired on Friday, 06-Jun-25 10:00:00 PDT.", FBTraceID: "A1b2",
			},
		},
		{
			name:      "cloud api rate limit",
			status:    400,
			body:      `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"fbtrace_id":"x"}}`,
			want:      APIError{HTTPStatus: 400, Code: 130429, Type: "OAuthException", Title: "Rate limit hit", Message: "(#130429) Rate limit hit", Details: "Cloud API message throughput has been reached.", FBTraceID: "x"},
			transient: true,
		},
		{
			name:      "pair rate limit",
			status:    400,
			body:      `{"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,"fbtrace_id":"y"}}`,
			want:      APIError{HTTPStatus: 400, Code: 131056, Type: "OAuthException", Title: "Pair rate limit hit", Message: "(#131056) (Business Account, Consumer Account) pair rate limit hit", FBTraceID: "y"},
			transient: true,
		},
		{
			name:      "application rate limit",
			status:    400,
			body:      `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}`,
			want:      APIError{HTTPStatus: 400, Code: 4, Type: "OAuthException", Title: "(#4) Application request limit reached", Message: "(#4) Application request limit reached"},
			transient: true,
		},
		{
			name:      "account rate limit",
			status:    400,
			body:      `{"error":{"message":"(#80007) Rate limit issues","type":"OAuthException","code":80007}}`,
			want:      APIError{HTTPStatus: 400, Code: 80007, Type: "OAuthException", Title: "(#80007) Rate limit issues", Message: "(#80007) Rate limit issues"},
			transient: true,
		},
		{
			name:      "service unavailable code",
			status:    400,
			body:      `{"error":{"message":"Service unavailable","type":"OAuthException","code":131016}}`,
			want:      APIError{HTTPStatus: 400, Code: 131016, Type: "OAuthException", Title: "Service unavailable", Message: "Service unavailable"},
			transient: true,
		},
		{
			name:      "unknown error with http 500",
			status:    500,
			body:      `{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1,"fbtrace_id":"z"}}`,
			want:      APIError{HTTPStatus: 500, Code: 1, Type: "OAuthException", Title: "An unknown error has occurred.", Message: "An unknown error has occurred.", FBTraceID: "z"},
			transient: true,
		},
		{
			name:      "proxy error page",
			status:    503,
			body:      "<html><body>upstream unavailable</body></html>\n",
			want:      APIError{HTTPStatus: 503, Title: "<html><body>upstream unavailable</body></html>", Message: "<html><body>upstream unavailable</body></html>"},
			transient: true,
		},
		{
			name:      "empty 502",
			status:    502,
			want:      APIError{HTTPStatus: 502, Title: "Bad Gateway", Message: "Bad Gateway"},
			transient: true,
		},
		{
			name:      "429 without a body",
			status:    429,
			want:      APIError{HTTPStatus: 429, Title: "Too Many Requests", Message: "Too Many Requests"},
			transient: true,
		},
		{
			name:   "string error_data",
			status: 403,
			body:   `{"error":{"message":"(#368) Temporarily blocked for policies violations","type":"OAuthException","code":368,"error_data":"{\"blocked\":true}"}}`,
			want:   APIError{HTTPStatus: 403, Code: 368, Type: "OAuthException", Title: "Temporarily blocked for policies violations", Message: "(#368) Temporarily blocked for policies violations", Details: `{"blocked":true}`},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(test.status)
				io.WriteString(w, test.body)
			})
			_, err := client.Send(context.Background(), "106540352242922", NewText("16505551234", "hi"))
			apiError, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("error = %v (%T), want *APIError", err, err)
			}
			if *apiError != test.want {
				t.Errorf("got  %+v\nwant %+v", *apiError, test.want)
			}
			if apiError.Transient() != test.transient || IsTransient(err) != test.transient {
				t.Errorf("Transient = %v, IsTransient = %v, want %v", apiError.Transient(), IsTransient(err), test.transient)
			}
			if !strings.HasPrefix(err.Error(), "whatsapp: send message: api error") {
				t.Errorf("error text = %q", err)
			}
		})
	}
}

func TestSendUnusableSuccessIsAmbiguous(t *testing.T) {
	tests := []struct{ name, body string }{
		{"not JSON", "OK"},
		{"no messages", `{"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[]}`},
		{"empty id", `{"messages":[{"id":""}]}`},
		{"larger than 1 MiB", `{"messages":[{"id":"wamid.x"}],"padding":"` + strings.Repeat("a", maxResponseBytes) + `"}`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, test.body)
			})
			_, err := client.Send(context.Background(), "106540352242922", NewText("16505551234", "hi"))
			transportError, ok := errors.AsType[*TransportError](err)
			if !ok || !transportError.MaybeDelivered {
				t.Fatalf("error = %v, want *TransportError that may have been delivered", err)
			}
			if IsTransient(err) {
				t.Error("an accepted request must not be retried")
			}
		})
	}
}

func TestSendConnectionRefusedIsNotDelivered(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close()

	client := &Client{BaseURL: "http://" + address, AccessToken: "token"}
	_, err = client.Send(context.Background(), "106540352242922", NewText("16505551234", "hi"))
	transportError, ok := errors.AsType[*TransportError](err)
	if !ok {
		t.Fatalf("error = %v (%T), want *TransportError", err, err)
	}
	if transportError.MaybeDelivered {
		t.Error("MaybeDelivered = true for a refused connection")
	}
	if !IsTransient(err) {
		t.Error("a refused connection should be retried")
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not unwrap to ECONNREFUSED", err)
	}
}

func TestSendUnknownHostIsNotDelivered(t *testing.T) {
	client := &Client{BaseURL: "http://switchboard-test.invalid", AccessToken: "token"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := client.Send(ctx, "106540352242922", NewText("16505551234", "hi"))
	transportError, ok := errors.AsType[*TransportError](err)
	if !ok || transportError.MaybeDelivered {
		t.Fatalf("error = %v, want a *TransportError that was certainly not delivered", err)
	}
}

func TestSendCanceledBeforeConnectingIsNotDelivered(t *testing.T) {
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("no request should arrive")
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.Send(ctx, "106540352242922", NewText("16505551234", "hi"))
	transportError, ok := errors.AsType[*TransportError](err)
	if !ok || transportError.MaybeDelivered || !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want a *TransportError, not delivered, wrapping context.Canceled", err)
	}
}

func TestSendTimeoutAfterRequestIsAmbiguous(t *testing.T) {
	received := make(chan struct{}, 1)
	release := make(chan struct{})
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		received <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes, so the handler returns

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := client.Send(ctx, "106540352242922", NewText("16505551234", "hi"))
	transportError, ok := errors.AsType[*TransportError](err)
	if !ok {
		t.Fatalf("error = %v (%T), want *TransportError", err, err)
	}
	if !transportError.MaybeDelivered {
		t.Error("MaybeDelivered = false although the server received the request")
	}
	if IsTransient(err) {
		t.Error("an ambiguous failure must not be retried")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not unwrap to context.DeadlineExceeded", err)
	}
	select {
	case <-received:
	default:
		t.Error("the server never received the request")
	}
}

func TestSendConnectionDroppedAfterRequestIsAmbiguous(t *testing.T) {
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		connection, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		connection.Close()
	})
	_, err := client.Send(context.Background(), "106540352242922", NewText("16505551234", "hi"))
	transportError, ok := errors.AsType[*TransportError](err)
	if !ok || !transportError.MaybeDelivered || IsTransient(err) {
		t.Fatalf("error = %v, want a non-transient *TransportError that may have been delivered", err)
	}
}

func TestSendRejectsInvalidInputWithoutARequest(t *testing.T) {
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("no request should be sent")
	})
	_, err := client.Send(context.Background(), "106540352242922", NewText("16505551234", ""))
	if !errors.Is(err, ErrInvalidMessage) || IsTransient(err) {
		t.Errorf("error = %v, want a non-transient ErrInvalidMessage", err)
	}
	if _, err := client.Send(context.Background(), "", NewText("16505551234", "hi")); err == nil || IsTransient(err) {
		t.Errorf("error = %v, want a non-transient error for a missing phone number id", err)
	}
	empty := &Client{}
	if _, err := empty.Send(context.Background(), "1", NewText("16505551234", "hi")); err == nil || IsTransient(err) {
		t.Errorf("error = %v, want a non-transient error for a missing base URL", err)
	}
}

func TestSendUsesVersion(t *testing.T) {
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v23.0/42/messages" {
			t.Errorf("path = %s", r.URL.Path)
		}
		io.WriteString(w, sendSuccess)
	})
	client.Version = "v23.0"
	if _, err := client.Send(context.Background(), "42", NewText("16505551234", "hi")); err != nil {
		t.Fatal(err)
	}
}

func TestIsTransientOtherErrors(t *testing.T) {
	if IsTransient(nil) || IsTransient(errors.New("boom")) || IsTransient(context.DeadlineExceeded) {
		t.Error("unclassified errors must not be treated as transient")
	}
}
