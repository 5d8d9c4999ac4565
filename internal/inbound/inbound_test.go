package inbound_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/inbound"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

const (
	phoneNumberID = "106540352242922"
	customer      = "16505551234"
	// sentAt is 1749416383 s, the timestamp of Meta's reference examples.
	sentAt = "1749416383"
)

// kicks counts router wake-ups.
type kicks struct{ n atomic.Int32 }

func (k *kicks) Kick() { k.n.Add(1) }

type harness struct {
	t      *testing.T
	ctx    context.Context
	store  *store.Store
	hub    *events.Hub
	router *kicks
	intake *inbound.Intake
	now    time.Time
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, ctx: ctx, store: st, hub: events.NewHub(), router: &kicks{}, now: time.Date(2025, 6, 8, 21, 0, 5, 0, time.UTC)}
	h.intake = &inbound.Intake{Store: st, Bus: h.hub, Router: h.router, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return h.now }}
	return h
}

// webhook wraps a value's inner JSON (messages, statuses, errors, contacts) in Meta's envelope.
func webhook(value string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"` + phoneNumberID + `"},` +
		value + `},"field":"messages"}]}]}`)
}

func messagesValue(profile string, messages ...string) string {
	return `"contacts":[{"profile":{"name":"` + profile + `"},"wa_id":"` + customer + `"}],"messages":[` + strings.Join(messages, ",") + `]`
}

func textMessage(wamid, body string) string {
	return `{"from":"` + customer + `","id":"` + wamid + `","timestamp":"` + sentAt + `","type":"text","text":{"body":"` + body + `"}}`
}

func statusesValue(statuses ...string) string {
	return `"statuses":[` + strings.Join(statuses, ",") + `]`
}

func status(wamid, state string) string {
	return `{"id":"` + wamid + `","status":"` + state + `","timestamp":"` + sentAt + `","recipient_id":"` + customer + `",` +
		`"conversation":{"id":"6ceb9d929c1ec6d4aebc2a7aa2a4e5e3","origin":{"type":"service"}},` +
		`"pricing":{"billable":true,"pricing_model":"PMP","category":"service"}}`
}

func (h *harness) process(body []byte) inbound.Result {
	h.t.Helper()
	batch, err := whatsapp.ParseWebhook(body)
	if err != nil {
		h.t.Fatalf("ParseWebhook: %v", err)
	}
	result, err := h.intake.Process(h.ctx, batch)
	if err != nil {
		h.t.Fatalf("Process: %v", err)
	}
	return result
}

func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.store.DB().QueryRowContext(h.ctx, query, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
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

func TestNewCustomerCreatesContactAndQueuedInteraction(t *testing.T) {
	h := newHarness(t)
	supervisors := h.hub.Subscribe(events.SupervisorTopic)
	defer supervisors.Close()
	result := h.process(webhook(messagesValue("Sheena Nelson", textMessage("wamid.first", "Does it come in another color?"))))
	if result != (inbound.Result{Messages: 1}) {
		t.Errorf("result = %+v, want one message", result)
	}
	m, err := h.store.MessageByWAMID(h.ctx, "wamid.first")
	if err != nil {
		t.Fatal(err)
	}
	if m.Direction != store.DirectionIn || m.Status != store.StatusReceived || m.Kind != "text" || m.Body != "Does it come in another color?" ||
		m.PhoneNumberID != phoneNumberID || m.OriginatedAt != 1749416383000 || m.ReceivedAt != h.now.UnixMilli() {
		t.Errorf("message = %+v", m)
	}
	contact, err := h.store.ContactByID(h.ctx, m.ContactID)
	if err != nil {
		t.Fatal(err)
	}
	if contact.WAID != customer || contact.ProfileName != "Sheena Nelson" {
		t.Errorf("contact = %+v", contact)
	}
	i, err := h.store.InteractionByID(h.ctx, m.InteractionID)
	if err != nil {
		t.Fatal(err)
	}
	if i.State != store.StateQueued || i.ContactID != contact.ID || i.PhoneNumberID != phoneNumberID || i.AgentID != 0 ||
		i.CreatedAt != h.now.UnixMilli() || i.LastCustomerAt != h.now.UnixMilli() {
		t.Errorf("interaction = %+v", i)
	}
	if h.router.n.Load() != 1 {
		t.Errorf("router kicked %d times, want 1", h.router.n.Load())
	}
	if list := received(supervisors); len(list) != 1 || list[0].Kind != events.QueueChanged {
		t.Errorf("supervisor events = %+v", list)
	}
}

func TestSecondMessageContinuesInteraction(t *testing.T) {
	h := newHarness(t)
	h.process(webhook(messagesValue("Sheena Nelson", textMessage("wamid.first", "Hello"))))
	first, _ := h.store.MessageByWAMID(h.ctx, "wamid.first")

	// The agent holds it by now; the next message must reach their screen.
	agent, err := h.store.CreateUser(h.ctx, store.User{Username: "alice", DisplayName: "Alice", PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.store.AssignInteraction(h.ctx, first.InteractionID, agent, h.now.UnixMilli()); err != nil || !ok {
		t.Fatalf("assign: %v %v", ok, err)
	}
	agentEvents := h.hub.Subscribe(events.UserTopic(agent))
	defer agentEvents.Close()

	h.now = h.now.Add(time.Minute)
	result := h.process(webhook(messagesValue("Sheena N.", textMessage("wamid.second", "Is anyone there?"))))
	if result != (inbound.Result{Messages: 1}) {
		t.Errorf("result = %+v", result)
	}
	second, err := h.store.MessageByWAMID(h.ctx, "wamid.second")
	if err != nil {
		t.Fatal(err)
	}
	if second.InteractionID != first.InteractionID || second.ContactID != first.ContactID {
		t.Errorf("second message filed under interaction %d, want %d", second.InteractionID, first.InteractionID)
	}
	if n := h.count(`SELECT COUNT(*) FROM interactions`); n != 1 {
		t.Errorf("interactions = %d, want 1", n)
	}
	if n := h.count(`SELECT COUNT(*) FROM contacts`); n != 1 {
		t.Errorf("contacts = %d, want 1", n)
	}
	if h.router.n.Load() != 1 {
		t.Errorf("router kicked %d times in all, want only for the new interaction", h.router.n.Load())
	}
	i, _ := h.store.InteractionByID(h.ctx, first.InteractionID)
	if i.LastCustomerAt != h.now.UnixMilli() || i.State != store.StateActive {
		t.Errorf("interaction = %+v", i)
	}
	contact, _ := h.store.ContactByID(h.ctx, first.ContactID)
	if contact.ProfileName != "Sheena N." {
		t.Errorf("profile name = %q, want refreshed", contact.ProfileName)
	}
	list := received(agentEvents)
	if len(list) != 1 || list[0].Kind != events.MessageAdded || list[0].MessageID != second.ID || list[0].InteractionID != i.ID {
		t.Errorf("agent events = %+v, want message added", list)
	}
}

func TestMessageAfterCloseStartsNewInteraction(t *testing.T) {
	h := newHarness(t)
	h.process(webhook(messagesValue("Sheena", textMessage("wamid.first", "Hello"))))
	first, _ := h.store.MessageByWAMID(h.ctx, "wamid.first")
	agent, _ := h.store.CreateUser(h.ctx, store.User{Username: "alice", DisplayName: "Alice", PasswordHash: "x", Role: "agent", Active: true})
	h.store.AssignInteraction(h.ctx, first.InteractionID, agent, 1)
	if ok, err := h.store.CloseInteraction(h.ctx, first.InteractionID, agent, 1, "", 2); err != nil || !ok {
		t.Fatalf("close: %v %v", ok, err)
	}
	h.process(webhook(messagesValue("Sheena", textMessage("wamid.again", "One more thing"))))
	again, _ := h.store.MessageByWAMID(h.ctx, "wamid.again")
	if again.InteractionID == first.InteractionID {
		t.Error("message after close filed under the closed interaction")
	}
	i, _ := h.store.InteractionByID(h.ctx, again.InteractionID)
	if i.State != store.StateQueued || i.ContactID != first.ContactID {
		t.Errorf("new interaction = %+v", i)
	}
	if h.router.n.Load() != 2 {
		t.Errorf("router kicked %d times, want 2", h.router.n.Load())
	}
}

func TestDuplicateWAMIDIsSkipped(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]byte
		want    []inbound.Result
	}{
		{"redelivered webhook", [][]byte{
			webhook(messagesValue("Sheena", textMessage("wamid.dup", "Hello"))),
			webhook(messagesValue("Sheena", textMessage("wamid.dup", "Hello"))),
		}, []inbound.Result{{Messages: 1}, {Duplicates: 1}}},
		{"same message twice in one batch", [][]byte{
			webhook(messagesValue("Sheena", textMessage("wamid.dup", "Hello"), textMessage("wamid.dup", "Hello"))),
		}, []inbound.Result{{Messages: 1, Duplicates: 1}}},
		{"redelivery with a new message next to it", [][]byte{
			webhook(messagesValue("Sheena", textMessage("wamid.dup", "Hello"))),
			webhook(messagesValue("Sheena", textMessage("wamid.dup", "Hello"), textMessage("wamid.new", "Still there?"))),
		}, []inbound.Result{{Messages: 1}, {Messages: 1, Duplicates: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for k, body := range tt.batches {
				if got := h.process(body); got != tt.want[k] {
					t.Errorf("batch %d result = %+v, want %+v", k, got, tt.want[k])
				}
			}
			if n := h.count(`SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.dup'`); n != 1 {
				t.Errorf("wamid.dup stored %d times", n)
			}
			if n := h.count(`SELECT COUNT(*) FROM interactions`); n != 1 {
				t.Errorf("interactions = %d, want 1", n)
			}
			if h.router.n.Load() != 1 {
				t.Errorf("router kicked %d times, want 1", h.router.n.Load())
			}
		})
	}
}

func TestMalformedItemQuarantinedRestStored(t *testing.T) {
	h := newHarness(t)
	noID := `{"from":"` + customer + `","timestamp":"` + sentAt + `","type":"text","text":{"body":"I have no id"}}`
	badTime := `{"from":"` + customer + `","id":"wamid.badtime","timestamp":"yesterday","type":"text","text":{"body":"When?"}}`
	body := webhook(messagesValue("Sheena", textMessage("wamid.good1", "first"), noID, badTime, textMessage("wamid.good2", "second")))
	result := h.process(body)
	if result != (inbound.Result{Messages: 2, Quarantined: 2}) {
		t.Errorf("result = %+v, want 2 messages and 2 quarantined", result)
	}
	for _, wamid := range []string{"wamid.good1", "wamid.good2"} {
		if n := h.count(`SELECT COUNT(*) FROM messages WHERE wamid = ?`, wamid); n != 1 {
			t.Errorf("%s stored %d times", wamid, n)
		}
	}
	if n := h.count(`SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.badtime'`); n != 0 {
		t.Error("malformed message stored as a message")
	}
	items, err := h.store.Quarantine(h.ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("quarantine = %+v", items)
	}
	raws := map[string]string{}
	for _, item := range items {
		if item.Source != "webhook" || item.ReceivedAt != h.now.UnixMilli() || !strings.HasPrefix(item.Reason, "message:") {
			t.Errorf("quarantine item = %+v", item)
		}
		raws[item.Raw] = item.Reason
	}
	if _, ok := raws[noID]; !ok {
		t.Errorf("message without id not kept verbatim: %v", raws)
	}
	if reason, ok := raws[badTime]; !ok || !strings.Contains(reason, "timestamp") {
		t.Errorf("bad timestamp not kept verbatim with its reason: %v", raws)
	}
}

func TestWholeEnvelopeQuarantined(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"object":"page","entry":[]}`)
	result := h.process(body)
	if result != (inbound.Result{Quarantined: 1}) {
		t.Errorf("result = %+v", result)
	}
	items, _ := h.store.Quarantine(h.ctx, 10)
	if len(items) != 1 || items[0].Raw != string(body) {
		t.Errorf("quarantine = %+v", items)
	}
}

// outbound stores an accepted outbound message with wamid on an interaction held by a new agent.
func (h *harness) outbound(wamid string) (store.Message, int64) {
	h.t.Helper()
	contact, err := h.store.EnsureContact(h.ctx, customer, "", 1)
	if err != nil {
		h.t.Fatal(err)
	}
	i, err := h.store.CreateInteraction(h.ctx, contact.ID, phoneNumberID, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	agent, err := h.store.CreateUser(h.ctx, store.User{Username: "alice", DisplayName: "Alice", PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		h.t.Fatal(err)
	}
	if ok, err := h.store.AssignInteraction(h.ctx, i.ID, agent, 1); err != nil || !ok {
		h.t.Fatalf("assign: %v %v", ok, err)
	}
	id, err := h.store.EnqueueOutbound(h.ctx, store.Message{InteractionID: i.ID, ContactID: contact.ID, PhoneNumberID: phoneNumberID, Kind: "text", Body: "Yes, in blue"}, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	m, err := h.store.OutboxAccepted(h.ctx, id, wamid, 2)
	if err != nil {
		h.t.Fatal(err)
	}
	return m, agent
}

func TestStatusesMoveOutboundMessageForward(t *testing.T) {
	h := newHarness(t)
	m, agent := h.outbound("wamid.out")
	agentEvents := h.hub.Subscribe(events.UserTopic(agent))
	defer agentEvents.Close()

	steps := []struct {
		status     string
		wantStatus string
		wantEvent  bool
	}{
		{"delivered", store.StatusDelivered, true},
		{"read", store.StatusRead, true},
		{"delivered", store.StatusRead, false}, // late
		{"deleted", store.StatusRead, false},   // not a delivery state
	}
	for _, step := range steps {
		result := h.process(webhook(statusesValue(status("wamid.out", step.status))))
		if result != (inbound.Result{Statuses: 1}) {
			t.Errorf("%s: result = %+v", step.status, result)
		}
		got, _ := h.store.MessageByID(h.ctx, m.ID)
		if got.Status != step.wantStatus {
			t.Errorf("after %s: status %s, want %s", step.status, got.Status, step.wantStatus)
		}
		list := received(agentEvents)
		if step.wantEvent {
			if len(list) != 1 || list[0].Kind != events.MessageChanged || list[0].MessageID != m.ID {
				t.Errorf("after %s: events %+v, want message changed", step.status, list)
			}
			if got.StatusAt != 1749416383000 {
				t.Errorf("after %s: status_at %d, want the report's time", step.status, got.StatusAt)
			}
		} else if len(list) != 0 {
			t.Errorf("after %s: events %+v, want none", step.status, list)
		}
	}
	if n := h.count(`SELECT COUNT(*) FROM pending_statuses`); n != 0 {
		t.Errorf("pending statuses = %d for a known message", n)
	}
}

func TestFailedStatusRecordsError(t *testing.T) {
	h := newHarness(t)
	m, _ := h.outbound("wamid.out")
	failed := `{"id":"wamid.out","status":"failed","timestamp":"` + sentAt + `","recipient_id":"` + customer + `",` +
		`"errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",` +
		`"error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},` +
		`"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}`
	h.process(webhook(statusesValue(failed)))
	got, _ := h.store.MessageByID(h.ctx, m.ID)
	if got.Status != store.StatusFailed || got.ErrorCode != 131047 || got.ErrorTitle != "Re-engagement message" ||
		!strings.Contains(got.ErrorDetail, "24 hours") {
		t.Errorf("failed message = %+v", got)
	}
}

func TestStatusForUnknownMessageIsParked(t *testing.T) {
	h := newHarness(t)
	result := h.process(webhook(statusesValue(status("wamid.notyet", "delivered"), status("wamid.notyet", "read"))))
	if result != (inbound.Result{Statuses: 2}) {
		t.Errorf("result = %+v", result)
	}
	rows, err := h.store.DB().QueryContext(h.ctx, `SELECT wamid, status, at, received_at FROM pending_statuses ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var wamid, state string
		var at, receivedAt int64
		if err := rows.Scan(&wamid, &state, &at, &receivedAt); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %d %d", wamid, state, at, receivedAt))
	}
	want := []string{
		fmt.Sprintf("wamid.notyet delivered 1749416383000 %d", h.now.UnixMilli()),
		fmt.Sprintf("wamid.notyet read 1749416383000 %d", h.now.UnixMilli()),
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("pending_statuses = %v, want %v", got, want)
	}
	if n := h.count(`SELECT COUNT(*) FROM messages`); n != 0 {
		t.Errorf("messages = %d", n)
	}

	// Once the send response names the wamid, the parked reports apply.
	contact, _ := h.store.EnsureContact(h.ctx, customer, "", 1)
	i, _ := h.store.CreateInteraction(h.ctx, contact.ID, phoneNumberID, 1)
	id, err := h.store.EnqueueOutbound(h.ctx, store.Message{InteractionID: i.ID, ContactID: contact.ID, PhoneNumberID: phoneNumberID, Kind: "text", Body: "x"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := h.store.OutboxAccepted(h.ctx, id, "wamid.notyet", 2)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.StatusRead {
		t.Errorf("after acceptance status = %s, want read", m.Status)
	}
}

func TestValueErrorsStored(t *testing.T) {
	h := newHarness(t)
	value := `"errors":[{"code":131056,"title":"Pair rate limit hit","message":"(#131056) Pair rate limit hit",` +
		`"error_data":{"details":"Too many messages sent from this phone number to the same phone number in a short period of time"}}]`
	result := h.process(webhook(value))
	if result != (inbound.Result{Errors: 1}) {
		t.Errorf("result = %+v", result)
	}
	list, err := h.store.WebhookErrors(h.ctx, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("webhook errors = %+v, %v", list, err)
	}
	e := list[0]
	if e.PhoneNumberID != phoneNumberID || e.Code != 131056 || e.Title != "Pair rate limit hit" || e.Message != "(#131056) Pair rate limit hit" ||
		!strings.HasPrefix(e.Detail, "Too many messages") || e.ReceivedAt != h.now.UnixMilli() {
		t.Errorf("webhook error = %+v", e)
	}
}

func TestMixedBatch(t *testing.T) {
	h := newHarness(t)
	m, _ := h.outbound("wamid.out")
	value := messagesValue("Sheena", textMessage("wamid.in", "Thanks!"), `"not an object"`) + "," +
		statusesValue(status("wamid.out", "read"), status("wamid.unknown", "sent")) + "," +
		`"errors":[{"code":131000,"title":"Something went wrong","message":"Something went wrong"}]`
	result := h.process(webhook(value))
	if want := (inbound.Result{Messages: 1, Statuses: 2, Quarantined: 1, Errors: 1}); result != want {
		t.Errorf("result = %+v, want %+v", result, want)
	}
	in, err := h.store.MessageByWAMID(h.ctx, "wamid.in")
	if err != nil {
		t.Fatal(err)
	}
	if in.InteractionID != m.InteractionID {
		t.Errorf("customer reply filed under %d, want the open interaction %d", in.InteractionID, m.InteractionID)
	}
	if got, _ := h.store.MessageByID(h.ctx, m.ID); got.Status != store.StatusRead {
		t.Errorf("outbound status = %s", got.Status)
	}
	if n := h.count(`SELECT COUNT(*) FROM pending_statuses WHERE wamid = 'wamid.unknown'`); n != 1 {
		t.Errorf("unknown status parked %d times", n)
	}
}

func TestRecordMedia(t *testing.T) {
	h := newHarness(t)
	image := `{"from":"` + customer + `","id":"wamid.image","timestamp":"` + sentAt + `","type":"image","image":{"caption":"This is a caption",` +
		`"mime_type":"image/jpeg","sha256":"NpuyzvO/qHkKbUPkV4qYdUtm9Bqsk5+4LgjSZbbgmco=","id":"1003383421387256"}}`
	reply := `{"context":{"from":"15550783881","id":"wamid.earlier"},"from":"` + customer + `","id":"wamid.quote","timestamp":"` + sentAt +
		`","type":"text","text":{"body":"Yes, this one please"}}`
	h.process(webhook(messagesValue("Sheena", image, reply)))
	m, err := h.store.MessageByWAMID(h.ctx, "wamid.image")
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != "image" || m.MediaID != "1003383421387256" || m.MediaMIME != "image/jpeg" || m.Body != "This is a caption" || m.Payload == "" {
		t.Errorf("image = %+v", m)
	}
	q, _ := h.store.MessageByWAMID(h.ctx, "wamid.quote")
	if q.ReplyToWAMID != "wamid.earlier" || q.Body != "Yes, this one please" {
		t.Errorf("quoted reply = %+v", q)
	}
}

func TestRedeliveryAfterCloseDoesNotReopen(t *testing.T) {
	h := newHarness(t)
	body := webhook(messagesValue("Sheena", textMessage("wamid.once", "Hello")))
	h.process(body)
	first, _ := h.store.MessageByWAMID(h.ctx, "wamid.once")
	agent, _ := h.store.CreateUser(h.ctx, store.User{Username: "alice", DisplayName: "Alice", PasswordHash: "x", Role: "agent", Active: true})
	h.store.AssignInteraction(h.ctx, first.InteractionID, agent, 1)
	if ok, err := h.store.CloseInteraction(h.ctx, first.InteractionID, agent, 1, "", 2); err != nil || !ok {
		t.Fatalf("close: %v %v", ok, err)
	}
	kicksBefore := h.router.n.Load()

	// Meta redelivers the same webhook after the agent closed the conversation.
	if result := h.process(body); result != (inbound.Result{Duplicates: 1}) {
		t.Errorf("result = %+v, want one duplicate", result)
	}
	if n := h.count(`SELECT COUNT(*) FROM interactions`); n != 1 {
		t.Errorf("interactions = %d, want 1 (a redelivery must not open a new one)", n)
	}
	if h.router.n.Load() != kicksBefore {
		t.Error("router kicked for a redelivery")
	}
}

// TestMediaMessageWaitsForItsFile: a customer's file is stored as a message at once, with its attachment
// pending for the fetcher (which is woken), and a redelivery adds neither a message nor an attachment.
func TestMediaMessageWaitsForItsFile(t *testing.T) {
	h := newHarness(t)
	fetcher := &kicks{}
	h.intake.Media = fetcher
	document := `{"from":"` + customer + `","id":"wamid.DOC1","timestamp":"` + sentAt + `","type":"document","document":{` +
		`"id":"1003383421387256","mime_type":"application/pdf","sha256":"x","filename":"../../Invoice\u202efdp.exe","caption":"my invoice"}}`
	body := webhook(messagesValue("Ann", document, textMessage("wamid.TXT1", "and some text")))
	if r := h.process(body); r.Messages != 2 {
		t.Fatalf("result %+v", r)
	}
	message, err := h.store.MessageByWAMID(h.ctx, "wamid.DOC1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.store.AttachmentByMessage(h.ctx, message.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.AttachmentPending || a.FileName != "Invoice[U+202E]fdp.exe" || a.NextAttemptAt != h.now.UnixMilli() {
		t.Errorf("attachment %+v", a)
	}
	if message.Body != "my invoice" || message.MediaID != "1003383421387256" {
		t.Errorf("message %+v", message)
	}
	if fetcher.n.Load() != 1 {
		t.Errorf("fetcher woken %d times", fetcher.n.Load())
	}
	if h.count(`SELECT COUNT(*) FROM attachments WHERE message_id IN (SELECT id FROM messages WHERE kind = 'text')`) != 0 {
		t.Error("a text message got an attachment")
	}
	h.process(body)
	if n := h.count(`SELECT COUNT(*) FROM attachments`); n != 1 {
		t.Errorf("%d attachments after a redelivery", n)
	}
}

// templateNews is a message_template_status_update webhook from the WhatsApp Business Account account.
func templateNews(account, event string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + account + `","time":1751247548,"changes":[{"value":{` +
		`"event":"` + event + `","message_template_id":594425479261596,"message_template_name":"thank_you_patience",` +
		`"message_template_language":"en_US","reason":"NONE"},"field":"message_template_status_update"}]}]}`)
}

// TestTemplateNewsOnlyFromOwnAccount: a signature proves only that a webhook came through the Meta app,
// which other accounts may share, so template news from another account changes nothing here.
func TestTemplateNewsOnlyFromOwnAccount(t *testing.T) {
	h := newHarness(t)
	h.intake.BusinessAccountID = "102290129340398"
	if result := h.process(templateNews("999999999999999", "DISABLED")); result != (inbound.Result{UnknownTemplates: 1}) {
		t.Errorf("another account's news: %+v", result)
	}
	r, err := h.store.ResponseByTemplate(h.ctx, "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	if r.WAStatus == "DISABLED" {
		t.Fatal("another account's news disabled the notification")
	}
	if result := h.process(templateNews("102290129340398", "DISABLED")); result != (inbound.Result{TemplateStatuses: 1}) {
		t.Errorf("own account's news: %+v", result)
	}
	if r, _ := h.store.ResponseByTemplate(h.ctx, "thank_you_patience"); r.WAStatus != "DISABLED" {
		t.Errorf("own account's news recorded as %q", r.WAStatus)
	}
}
