package outbox_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/outbox"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

const (
	phoneNumberID = "106540352242922"
	customer      = "16505551234"
	accessToken   = "test-access-token"
)

// clock is a hand-advanced time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// cloudAPI plays the Cloud API's POST /{version}/{phone-number-id}/messages. Each request is answered by the
// next response in the script; once the script runs out, the last one repeats.
type cloudAPI struct {
	t        *testing.T
	server   *httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	script   []func(w http.ResponseWriter, r *http.Request)
	bodies   []map[string]any
}

func newCloudAPI(t *testing.T, script ...func(w http.ResponseWriter, r *http.Request)) *cloudAPI {
	api := &cloudAPI{t: t, script: script}
	api.server = httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(api.server.Close)
	return api
}

func (api *cloudAPI) serve(w http.ResponseWriter, r *http.Request) {
	n := int(api.requests.Add(1))
	if r.Method != http.MethodPost || r.URL.Path != "/v21.0/"+phoneNumberID+"/messages" {
		api.t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+accessToken {
		api.t.Errorf("Authorization = %q", got)
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		api.t.Errorf("request body: %v", err)
	}
	api.mu.Lock()
	api.bodies = append(api.bodies, body)
	respond := api.script[min(n, len(api.script))-1]
	api.mu.Unlock()
	respond(w, r)
}

func (api *cloudAPI) client() *whatsapp.Client {
	return &whatsapp.Client{BaseURL: api.server.URL, Version: "v21.0", AccessToken: accessToken, HTTP: api.server.Client()}
}

func (api *cloudAPI) sentBodies() []string {
	api.mu.Lock()
	defer api.mu.Unlock()
	var texts []string
	for _, body := range api.bodies {
		text, _ := body["text"].(map[string]any)
		body, _ := text["body"].(string)
		texts = append(texts, body)
	}
	return texts
}

func accepted(wamid string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"`+customer+`","wa_id":"`+customer+`"}],"messages":[{"id":"`+wamid+`"}]}`)
	}
}

func serverError(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "upstream failure", http.StatusInternalServerError)
}

func reengagement(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	io.WriteString(w, `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,`+
		`"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},`+
		`"fbtrace_id":"AbCdEfGhIjK"}}`)
}

type harness struct {
	t      testing.TB
	ctx    context.Context
	store  *store.Store
	hub    *events.Hub
	clock  *clock
	worker *outbox.Worker
	agent  int64
	inter  store.Interaction
}

func newHarness(t testing.TB, client outbox.Sender) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, ctx: ctx, store: st, hub: events.NewHub(), clock: &clock{now: time.Date(2025, 6, 8, 21, 0, 0, 0, time.UTC)}}
	h.worker = outbox.New(st, h.hub, client, slog.New(slog.NewTextHandler(io.Discard, nil)), h.clock.Now)
	if uploader, ok := client.(outbox.Uploader); ok {
		h.worker.Uploader = uploader
	}
	h.worker.SendTimeout = 2 * time.Second
	h.agent, err = st.CreateUser(ctx, store.User{Username: "alice", DisplayName: "Alice", PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	h.inter = h.addContact(customer)
	return h
}

// addContact gives the harness's agent an active interaction with the customer waID.
func (h *harness) addContact(waID string) store.Interaction {
	h.t.Helper()
	contact, err := h.store.EnsureContact(h.ctx, waID, "Sheena", 1)
	if err != nil {
		h.t.Fatal(err)
	}
	i, err := h.store.CreateInteraction(h.ctx, contact.ID, phoneNumberID, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	if ok, err := h.store.AssignInteraction(h.ctx, i.ID, h.agent, 1); err != nil || !ok {
		h.t.Fatalf("assign: %v %v", ok, err)
	}
	return i
}

// enqueue commits an agent's text to the harness's customer as Send does.
func (h *harness) enqueue(text string) int64 {
	h.t.Helper()
	return h.enqueueTo(h.inter, text)
}

// enqueueTo commits an agent's text in interaction i as Send does.
func (h *harness) enqueueTo(i store.Interaction, text string) int64 {
	h.t.Helper()
	now := h.clock.Now().UnixMilli()
	id, err := h.store.EnqueueOutbound(h.ctx, store.Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: phoneNumberID,
		Kind: "text", Body: text, AuthorID: h.agent, OriginatedAt: now, ReceivedAt: now}, now)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *harness) message(id int64) store.Message {
	h.t.Helper()
	m, err := h.store.MessageByID(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

type outboxRow struct {
	present       bool
	attempts      int
	nextAttemptAt int64
	inFlightSince int64
	lastError     string
}

func (h *harness) outboxRow(id int64) outboxRow {
	h.t.Helper()
	r := outboxRow{present: true}
	err := h.store.DB().QueryRowContext(h.ctx, `SELECT attempts, next_attempt_at, in_flight_since, last_error FROM outbox WHERE message_id = ?`, id).
		Scan(&r.attempts, &r.nextAttemptAt, &r.inFlightSince, &r.lastError)
	if err != nil {
		return outboxRow{}
	}
	return r
}

func received(sub *events.Subscription) []events.Event {
	var list []events.Event
	for {
		select {
		case e, ok := <-sub.C:
			if !ok {
				return list
			}
			list = append(list, e)
		default:
			return list
		}
	}
}

func TestSendSuccess(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3"))
	h := newHarness(t, api.client())
	agentEvents := h.hub.Subscribe(events.UserTopic(h.agent))
	defer agentEvents.Close()
	id := h.enqueue("Yes, it comes in blue & green: https://example.com/colours?a=1&b=2")

	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Fatalf("requests = %d, want 1", n)
	}
	m := h.message(id)
	if m.Status != store.StatusSent || m.WAMID != "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3" || m.StatusAt != h.clock.Now().UnixMilli() {
		t.Errorf("message = %+v", m)
	}
	if row := h.outboxRow(id); row.present {
		t.Errorf("outbox row left: %+v", row)
	}
	api.mu.Lock()
	body := api.bodies[0]
	api.mu.Unlock()
	if body["messaging_product"] != "whatsapp" || body["to"] != customer || body["type"] != "text" {
		t.Errorf("request body = %v", body)
	}
	if texts := api.sentBodies(); texts[0] != "Yes, it comes in blue & green: https://example.com/colours?a=1&b=2" {
		t.Errorf("text sent = %q", texts[0])
	}
	list := received(agentEvents)
	if len(list) != 1 || list[0].Kind != events.MessageChanged || list[0].MessageID != id || list[0].InteractionID != h.inter.ID {
		t.Errorf("events = %+v, want message changed", list)
	}

	// Nothing more to do: draining again sends nothing.
	h.clock.Advance(time.Hour)
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Errorf("requests after second drain = %d, want 1", n)
	}
}

func TestSendsInCommitOrder(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.1"), accepted("wamid.2"), accepted("wamid.3"))
	h := newHarness(t, api.client())
	ids := []int64{h.enqueue("first"), h.enqueue("second"), h.enqueue("third")}
	h.worker.Drain(h.ctx)
	if got := strings.Join(api.sentBodies(), ","); got != "first,second,third" {
		t.Errorf("sent %s, want first,second,third", got)
	}
	for k, id := range ids {
		if m := h.message(id); m.Status != store.StatusSent || m.WAMID != "wamid."+string(rune('1'+k)) {
			t.Errorf("message %d = %s %s", k, m.Status, m.WAMID)
		}
	}
}

func TestServerErrorIsRetriedAndSentOnce(t *testing.T) {
	api := newCloudAPI(t, serverError, accepted("wamid.retried"))
	h := newHarness(t, api.client())
	id := h.enqueue("hello")
	start := h.clock.Now()

	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Fatalf("requests = %d, want 1", n)
	}
	if m := h.message(id); m.Status != store.StatusQueued || m.WAMID != "" {
		t.Errorf("after a 500: %s %q, want still queued", m.Status, m.WAMID)
	}
	row := h.outboxRow(id)
	if !row.present || row.attempts != 1 || row.inFlightSince != 0 || row.nextAttemptAt != start.Add(outbox.Backoff(1)).UnixMilli() ||
		!strings.Contains(row.lastError, "500") {
		t.Errorf("outbox row after a 500 = %+v", row)
	}

	// Not due yet: no request.
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Fatalf("requests before the backoff elapsed = %d, want 1", n)
	}

	h.clock.Advance(outbox.Backoff(1))
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 2 {
		t.Fatalf("requests after the backoff = %d, want 2", n)
	}
	if m := h.message(id); m.Status != store.StatusSent || m.WAMID != "wamid.retried" {
		t.Errorf("after retry: %s %q", m.Status, m.WAMID)
	}

	h.clock.Advance(time.Hour)
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 2 {
		t.Errorf("requests after success = %d, want 2 (sent exactly once)", n)
	}
	if n := countMessages(t, h, "wamid.retried"); n != 1 {
		t.Errorf("messages with the wamid = %d", n)
	}
}

func countMessages(t *testing.T, h *harness, wamid string) int {
	t.Helper()
	var n int
	if err := h.store.DB().QueryRowContext(h.ctx, `SELECT COUNT(*) FROM messages WHERE wamid = ?`, wamid).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPermanentAPIErrorFailsWithoutRetry(t *testing.T) {
	api := newCloudAPI(t, reengagement)
	h := newHarness(t, api.client())
	agentEvents := h.hub.Subscribe(events.UserTopic(h.agent))
	defer agentEvents.Close()
	id := h.enqueue("Are you still interested?")

	h.worker.Drain(h.ctx)
	m := h.message(id)
	if m.Status != store.StatusFailed || m.ErrorCode != 131047 || m.ErrorTitle != "Re-engagement message" ||
		!strings.Contains(m.ErrorDetail, "24 hours") || m.WAMID != "" {
		t.Errorf("message = %+v", m)
	}
	if row := h.outboxRow(id); row.present {
		t.Errorf("outbox row left: %+v", row)
	}
	if list := received(agentEvents); len(list) != 1 || list[0].Kind != events.MessageChanged {
		t.Errorf("events = %+v", list)
	}
	h.clock.Advance(time.Hour)
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Errorf("requests = %d, want 1 (not retried)", n)
	}
}

func TestTransientFailuresGiveUpAfterMaxAttempts(t *testing.T) {
	tests := []struct {
		name      string
		refused   bool // no server listening, else every answer is a 500
		wantTitle string
		wantInfo  string // part of the detail
	}{
		// Meta answered every time: the last answer is what the agent sees.
		{"server errors", false, "upstream failure", ""},
		// Never reached: the agent is told the sends were given up.
		{"connection refused", true, "Could not reach WhatsApp", "Gave up after 12 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newCloudAPI(t, serverError)
			client := api.client()
			if tt.refused {
				client = &whatsapp.Client{BaseURL: closedURL(t), AccessToken: accessToken}
			}
			h := newHarness(t, client)
			id := h.enqueue("hello")
			for attempt := 1; attempt <= outbox.MaxAttempts; attempt++ {
				h.worker.Drain(h.ctx)
				row := h.outboxRow(id)
				if attempt < outbox.MaxAttempts && (!row.present || row.attempts != attempt) {
					t.Fatalf("after attempt %d: outbox row %+v", attempt, row)
				}
				h.clock.Advance(outbox.Backoff(attempt))
			}
			m := h.message(id)
			if m.Status != store.StatusFailed || m.ErrorTitle != tt.wantTitle || !strings.Contains(m.ErrorDetail, tt.wantInfo) {
				t.Errorf("message = %+v, want failed %q", m, tt.wantTitle)
			}
			if row := h.outboxRow(id); row.present {
				t.Errorf("outbox row left: %+v", row)
			}
			h.clock.Advance(time.Hour)
			h.worker.Drain(h.ctx)
			if n := int(api.requests.Load()); !tt.refused && n != outbox.MaxAttempts {
				t.Errorf("requests = %d, want %d", n, outbox.MaxAttempts)
			}
		})
	}
}

// closedURL returns the address of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + listener.Addr().String()
	listener.Close()
	return url
}

func TestConnectionRefusedIsRetried(t *testing.T) {
	h := newHarness(t, &whatsapp.Client{BaseURL: closedURL(t), AccessToken: accessToken})
	id := h.enqueue("hello")
	start := h.clock.Now()
	h.worker.Drain(h.ctx)
	if m := h.message(id); m.Status != store.StatusQueued {
		t.Fatalf("after connection refused: status %s, want queued", m.Status)
	}
	row := h.outboxRow(id)
	if !row.present || row.attempts != 1 || row.inFlightSince != 0 || row.nextAttemptAt != start.Add(time.Second).UnixMilli() || row.lastError == "" {
		t.Errorf("outbox row = %+v", row)
	}

	// The API comes back; the retry goes through.
	api := newCloudAPI(t, accepted("wamid.after-refusal"))
	h.worker.Client = api.client()
	h.clock.Advance(time.Second)
	h.worker.Drain(h.ctx)
	if m := h.message(id); m.Status != store.StatusSent || m.WAMID != "wamid.after-refusal" {
		t.Errorf("after retry: %s %q", m.Status, m.WAMID)
	}
	if n := api.requests.Load(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestNoAnswerWithinSendTimeoutIsDeliveryUnknown(t *testing.T) {
	release := make(chan struct{})
	api := newCloudAPI(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	// Unblock the handler before the server closes (cleanups run last-in first-out).
	t.Cleanup(func() { close(release) })
	h := newHarness(t, api.client())
	h.worker.SendTimeout = 200 * time.Millisecond
	id := h.enqueue("hello")

	h.worker.Drain(h.ctx)
	m := h.message(id)
	if m.Status != store.StatusFailed || m.ErrorTitle != "Delivery unknown" || m.ErrorDetail == "" {
		t.Errorf("message = %+v, want failed with Delivery unknown", m)
	}
	if row := h.outboxRow(id); row.present {
		t.Errorf("outbox row left: %+v", row)
	}
	h.clock.Advance(time.Hour)
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Errorf("requests = %d, want 1 (never resent)", n)
	}
}

func TestRecoverFailsInFlightRows(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.pending"))
	h := newHarness(t, api.client())
	stuck := h.enqueue("was being sent when the process died")
	waiting := h.enqueue("not yet started")
	if err := h.store.MarkInFlight(h.ctx, stuck, h.clock.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	agentEvents := h.hub.Subscribe(events.UserTopic(h.agent))
	defer agentEvents.Close()

	if err := h.worker.Recover(h.ctx); err != nil {
		t.Fatal(err)
	}
	m := h.message(stuck)
	if m.Status != store.StatusFailed || m.ErrorTitle != "Delivery unknown" || m.ErrorDetail == "" {
		t.Errorf("in-flight message = %+v", m)
	}
	if row := h.outboxRow(stuck); row.present {
		t.Errorf("outbox row of recovered message left: %+v", row)
	}
	if inFlight, err := h.store.InFlightOutbox(h.ctx); err != nil || len(inFlight) != 0 {
		t.Errorf("InFlightOutbox = %v, %v", inFlight, err)
	}
	if got := h.message(waiting); got.Status != store.StatusQueued {
		t.Errorf("waiting message = %s, want still queued", got.Status)
	}
	if list := received(agentEvents); len(list) != 1 || list[0].MessageID != stuck {
		t.Errorf("events = %+v", list)
	}

	// The waiting message still goes out, the recovered one never does.
	h.worker.Drain(h.ctx)
	if texts := api.sentBodies(); len(texts) != 1 || texts[0] != "not yet started" {
		t.Errorf("sent %q", texts)
	}
}

func TestInvalidMessageFailsBeforeSending(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.never"))
	h := newHarness(t, api.client())
	id := h.enqueue(strings.Repeat("x", whatsapp.MaxTextLength+1))
	h.worker.Drain(h.ctx)
	m := h.message(id)
	if m.Status != store.StatusFailed || m.ErrorTitle != "Message refused before sending" {
		t.Errorf("message = %+v", m)
	}
	if n := api.requests.Load(); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{1, time.Second},
		{2, 2 * time.Second},
		{3, 4 * time.Second},
		{8, 128 * time.Second},
		{9, 256 * time.Second},
		{10, 5 * time.Minute},
		{11, 5 * time.Minute},
		{100, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := outbox.Backoff(tt.attempt); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestRunSendsOnKickAndStopsWithContext(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.run"))
	h := newHarness(t, api.client())
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan struct{})
	sent := h.hub.Subscribe(events.UserTopic(h.agent))
	defer sent.Close()
	go func() {
		h.worker.Run(ctx)
		close(done)
	}()
	id := h.enqueue("hello")
	h.worker.Kick()
	e := <-sent.C // Run publishes once the outcome is stored
	if e.Kind != events.MessageChanged || e.MessageID != id {
		t.Errorf("event = %+v", e)
	}
	cancel()
	<-done
	if m := h.message(id); m.Status != store.StatusSent {
		t.Errorf("status = %s", m.Status)
	}
}

func TestAcceptedSendThatCannotBeRecordedStaysInFlight(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.unrecorded"))
	h := newHarness(t, api.client())
	id := h.enqueue("hello")
	// Recording the acceptance fails part-way: parked statuses cannot be read.
	if _, err := h.store.DB().ExecContext(h.ctx, `ALTER TABLE pending_statuses RENAME TO pending_statuses_away`); err != nil {
		t.Fatal(err)
	}
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Fatalf("requests = %d, want 1", n)
	}
	// Nothing of the half-recorded outcome may stick: the row stays in flight, so it is never sent again.
	row := h.outboxRow(id)
	if !row.present || row.inFlightSince == 0 {
		t.Fatalf("outbox row = %+v, want still marked in flight", row)
	}
	if m := h.message(id); m.Status != store.StatusQueued || m.WAMID != "" {
		t.Errorf("message = %s %q, want the acceptance rolled back", m.Status, m.WAMID)
	}
	h.clock.Advance(time.Hour)
	h.worker.Drain(h.ctx)
	if n := api.requests.Load(); n != 1 {
		t.Errorf("requests = %d, want 1 (not resent)", n)
	}

	if _, err := h.store.DB().ExecContext(h.ctx, `ALTER TABLE pending_statuses_away RENAME TO pending_statuses`); err != nil {
		t.Fatal(err)
	}
	if err := h.worker.Recover(h.ctx); err != nil {
		t.Fatal(err)
	}
	if m := h.message(id); m.Status != store.StatusFailed || m.ErrorTitle != "Delivery unknown" {
		t.Errorf("after Recover: %s %q, want failed Delivery unknown", m.Status, m.ErrorTitle)
	}
}
