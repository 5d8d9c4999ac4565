package simulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

const (
	testSecret = "test-app-secret"
	testToken  = "test-access-token"
	firstID    = "1001"
	secondID   = "1002"
)

var testNumbers = []BusinessNumber{
	{PhoneNumberID: firstID, DisplayNumber: "+1 555 010 0001"},
	{PhoneNumberID: secondID, DisplayNumber: "+1 555 010 0002"},
}

// productReceiver plays the product's webhook endpoint. It checks signatures with its
// own HMAC code, so a signing mistake in the simulator cannot hide behind shared code.
type productReceiver struct {
	t *testing.T

	mu          sync.Mutex
	received    []map[string]any
	attempts    int
	failures    int // answer 503 to this many attempts first
	alwaysFail  int // when non-zero, answer this status to everything
	badRequests []string
	changed     chan struct{}
}

func newProductReceiver(t *testing.T) *productReceiver {
	return &productReceiver{t: t, changed: make(chan struct{}, 1)}
}

func (r *productReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))

	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	switch {
	case req.Method != http.MethodPost:
		r.badRequests = append(r.badRequests, "method "+req.Method)
	case req.Header.Get("Content-Type") != "application/json":
		r.badRequests = append(r.badRequests, "content type "+req.Header.Get("Content-Type"))
	case !hmac.Equal([]byte(req.Header.Get("X-Hub-Signature-256")), []byte(want)):
		r.badRequests = append(r.badRequests, "signature "+req.Header.Get("X-Hub-Signature-256"))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.alwaysFail != 0 {
		w.WriteHeader(r.alwaysFail)
		return
	}
	if r.failures > 0 {
		r.failures--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var decoded map[string]any
	if err := json.Unmarshal(body, &decoded); err != nil {
		r.badRequests = append(r.badRequests, "json "+err.Error())
	}
	r.received = append(r.received, decoded)
	select {
	case r.changed <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusOK)
}

// webhooks returns copies of what arrived so far.
func (r *productReceiver) webhooks() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.received...)
}

// waitFor polls until found returns true, failing the test after a few seconds.
func (r *productReceiver) waitFor(t *testing.T, what string, found func([]map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		list := r.webhooks()
		if found(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; got %d webhooks: %s", what, len(list), mustJSON(list))
		}
		select {
		case <-r.changed:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (r *productReceiver) checkClean() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.badRequests) > 0 {
		r.t.Errorf("product received malformed webhooks: %v", r.badRequests)
	}
}

type harness struct {
	t         *testing.T
	sim       *Simulator
	server    *httptest.Server
	receiver  *productReceiver
	apiPrefix string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	receiver := newProductReceiver(t)
	product := httptest.NewServer(receiver)
	sim := New(Config{
		WebhookURL:  product.URL + "/webhooks/whatsapp",
		AppSecret:   testSecret,
		AccessToken: testToken,
		Numbers:     testNumbers,
		StatusDelay: 10 * time.Millisecond,
		BasePath:    "/sim",
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sim.retryBaseDelay = 10 * time.Millisecond
	sim.retryMaxDelay = 40 * time.Millisecond

	e := echo.New()
	sim.Mount(e.Group("/sim"))
	server := httptest.NewServer(e)
	t.Cleanup(func() {
		sim.Close()
		server.Close()
		product.Close()
		receiver.checkClean()
	})
	return &harness{t: t, sim: sim, server: server, receiver: receiver, apiPrefix: server.URL + "/sim"}
}

// do sends a request and returns the status and body.
func (h *harness) do(method, path string, body string, headers map[string]string) (int, []byte) {
	h.t.Helper()
	request, err := http.NewRequest(method, h.apiPrefix+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" && headers["Content-Type"] == "" {
		request.Header.Set("Content-Type", "application/json")
	}
	for name, value := range headers {
		request.Header.Set(name, value)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	response, err := client.Do(request)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	return response.StatusCode, data
}

// send posts to the Cloud API messages endpoint with the right token.
func (h *harness) send(phoneNumberID, body string) (int, map[string]any) {
	h.t.Helper()
	status, data := h.do(http.MethodPost, "/v21.0/"+phoneNumberID+"/messages", body,
		map[string]string{"Authorization": "Bearer " + testToken})
	return status, decodeObject(h.t, data)
}

// sendText sends a text message and returns its wamid, failing unless accepted.
func (h *harness) sendText(to, text string) string {
	h.t.Helper()
	status, answer := h.send(firstID, `{"messaging_product":"whatsapp","recipient_type":"individual","to":"`+to+`","type":"text","text":{"body":`+mustJSON(text)+`}}`)
	if status != http.StatusOK {
		h.t.Fatalf("send: status %d: %v", status, answer)
	}
	return path(answer, "messages", 0, "id").(string)
}

// customerSays posts a customer message through the JSON API and waits for the product to get it.
func (h *harness) customerSays(waID, body string) string {
	h.t.Helper()
	status, data := h.do(http.MethodPost, "/api/customers/"+waID+"/messages?wait=1", body, nil)
	if status != http.StatusAccepted {
		h.t.Fatalf("customer message: status %d: %s", status, data)
	}
	return decodeObject(h.t, data)["wamid"].(string)
}

func decodeObject(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var decoded map[string]any
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatalf("decode %q: %v", data, err)
	}
	return decoded
}

func decodeList(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var decoded []map[string]any
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatalf("decode %q: %v", data, err)
	}
	return decoded
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// path walks decoded JSON by keys and indexes; nil when anything is missing.
func path(v any, steps ...any) any {
	for _, step := range steps {
		switch key := step.(type) {
		case string:
			object, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = object[key]
		case int:
			list, ok := v.([]any)
			if !ok || key >= len(list) {
				return nil
			}
			v = list[key]
		}
	}
	return v
}

// statusesFor collects the status webhooks about one message, in arrival order.
func statusesFor(webhooks []map[string]any, wamid string) []map[string]any {
	var found []map[string]any
	for _, webhook := range webhooks {
		statuses, _ := path(webhook, "entry", 0, "changes", 0, "value", "statuses").([]any)
		for _, status := range statuses {
			object := status.(map[string]any)
			if object["id"] == wamid {
				found = append(found, object)
			}
		}
	}
	return found
}

func statusNames(statuses []map[string]any) []string {
	names := make([]string, 0, len(statuses))
	for _, status := range statuses {
		names = append(names, status["status"].(string))
	}
	return names
}

func hasStatuses(wamid string, want ...string) func([]map[string]any) bool {
	return func(webhooks []map[string]any) bool {
		return len(statusesFor(webhooks, wamid)) >= len(want)
	}
}

// messageWebhook finds the inbound message webhook with the given wamid.
func messageWebhook(webhooks []map[string]any, wamid string) map[string]any {
	for _, webhook := range webhooks {
		if path(webhook, "entry", 0, "changes", 0, "value", "messages", 0, "id") == wamid {
			return webhook
		}
	}
	return nil
}

func keysOf(object map[string]any) string {
	var keys []string
	for key := range object {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func compactJSON(t *testing.T, raw string) string {
	t.Helper()
	var buffer bytes.Buffer
	if err := json.Compact(&buffer, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	return buffer.String()
}
