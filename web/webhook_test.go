package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/store"
)

func TestWebhookVerifyHandshake(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		name       string
		query      url.Values
		wantStatus int
		wantBody   string
	}{
		{"right token", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testVerifyToken}, "hub.challenge": {"1158201444"}}, http.StatusOK, "1158201444"},
		{"wrong token", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"guess"}, "hub.challenge": {"1158201444"}}, http.StatusForbidden, ""},
		{"token with a suffix", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testVerifyToken + "x"}, "hub.challenge": {"1"}}, http.StatusForbidden, ""},
		{"wrong mode", url.Values{"hub.mode": {"unsubscribe"}, "hub.verify_token": {testVerifyToken}, "hub.challenge": {"1158201444"}}, http.StatusForbidden, ""},
		{"no mode", url.Values{"hub.verify_token": {testVerifyToken}, "hub.challenge": {"1158201444"}}, http.StatusForbidden, ""},
		{"no token", url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"1158201444"}}, http.StatusForbidden, ""},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res, err := http.Get(h.server.URL + "/webhooks/whatsapp?" + test.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != test.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", res.StatusCode, test.wantStatus, body)
			}
			if test.wantBody != "" && string(body) != test.wantBody {
				t.Errorf("body = %q, want the challenge %q", body, test.wantBody)
			}
			if test.wantStatus != http.StatusOK && strings.Contains(string(body), "1158201444") {
				t.Errorf("refused handshake echoed the challenge: %q", body)
			}
		})
	}
}

func TestWebhookSignatureFailsClosed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := textWebhook("wamid.signature", "16505551234", "Sheena Nelson", "hello")
	other := textWebhook("wamid.other", "16505551234", "Sheena Nelson", "hello")
	tests := []struct {
		name      string
		signature string
	}{
		{"missing", ""},
		{"signed with another secret", "sha256=" + strings.Repeat("0", 64)},
		{"over a different body", sign(other)},
		{"truncated", sign(body)[:len(sign(body))-2]},
		{"without prefix", strings.TrimPrefix(sign(body), "sha256=")},
		{"sha1 prefix", "sha1=" + strings.TrimPrefix(sign(body), "sha256=")},
		{"not hex", "sha256=" + strings.Repeat("zz", 32)},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := h.postWebhook(t, body, test.signature)
			if res.status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401 (%s)", res.status, res.body)
			}
			if got := h.rowCounts(t); got != (rowCounts{}) {
				t.Errorf("refused webhook stored something: %+v", got)
			}
		})
	}
	// The same body, correctly signed, is taken: the refusals above were about the signature alone.
	if res := h.postSigned(t, body); res.status != http.StatusOK {
		t.Fatalf("correctly signed = %d %s", res.status, res.body)
	}
	if got := h.count(t, "messages"); got != 1 {
		t.Errorf("messages = %d, want 1", got)
	}
}

func TestWebhookMalformedBodyIsQuarantined(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct{ name, body string }{
		{"truncated JSON", `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[`},
		{"not an object", `["entry"]`},
		{"plain text", `hello`},
	}
	for n, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := h.postSigned(t, []byte(test.body))
			if res.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400 (%s)", res.status, res.body)
			}
			items, err := h.store.Quarantine(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != n+1 {
				t.Fatalf("quarantine has %d items, want %d", len(items), n+1)
			}
			if items[0].Raw != test.body || items[0].Reason == "" {
				t.Errorf("quarantined %+v, want the raw body with a reason", items[0])
			}
			if got := h.count(t, "messages"); got != 0 {
				t.Errorf("messages = %d", got)
			}
		})
	}
}

func TestWebhookOversizedBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Valid JSON, padded past 3 MiB inside a string so only the size is wrong.
	prefix := `{"object":"whatsapp_business_account","entry":[],"padding":"`
	big := []byte(prefix + strings.Repeat("x", 3<<20) + `"}`)
	tests := []struct {
		name    string
		chunked bool
	}{
		{"with Content-Length", false},
		{"chunked, length unknown up front", true},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			var reader io.Reader = bytes.NewReader(big)
			if test.chunked {
				reader = io.MultiReader(reader) // hides the length, so the client streams it chunked
			}
			req, err := http.NewRequest(http.MethodPost, h.server.URL+"/webhooks/whatsapp", reader)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Hub-Signature-256", sign(big))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status = %d, want 413", res.StatusCode)
			}
			if got := h.rowCounts(t); got != (rowCounts{}) {
				t.Errorf("oversized webhook stored something: %+v", got)
			}
		})
	}
}

func TestWebhookTextMessageStoredOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	body := textWebhook("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRB", "16505551234", "Sheena Nelson", "Does it come in another color?")
	for attempt := 1; attempt <= 2; attempt++ {
		res := h.postSigned(t, body)
		if res.status != http.StatusOK {
			t.Fatalf("attempt %d: status = %d (%s)", attempt, res.status, res.body)
		}
		if got, want := h.rowCounts(t), (rowCounts{messages: 1, contacts: 1, interactions: 1}); got != want {
			t.Fatalf("attempt %d: rows = %+v, want %+v", attempt, got, want)
		}
	}
	m, err := h.store.MessageByWAMID(ctx, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRB")
	if err != nil {
		t.Fatal(err)
	}
	if m.Body != "Does it come in another color?" || m.Direction != store.DirectionIn || m.Kind != "text" || m.PhoneNumberID != testPhoneNumberID {
		t.Errorf("stored message = %+v", m)
	}
	contact, err := h.store.ContactByID(ctx, m.ContactID)
	if err != nil {
		t.Fatal(err)
	}
	if contact.WAID != "16505551234" || contact.ProfileName != "Sheena Nelson" {
		t.Errorf("contact = %+v", contact)
	}
	if i := h.interaction(t, m.InteractionID); i.State != store.StateQueued || i.ContactID != contact.ID {
		t.Errorf("interaction = %+v, want queued for the contact", i)
	}
}

func TestWebhookConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := textWebhook("wamid.concurrent", "16505551234", "Sheena Nelson", "Are you there?")
	signature := sign(body)
	const senders = 20
	statuses := make([]int, senders)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for n := range senders {
		wg.Go(func() {
			<-start
			req, err := http.NewRequest(http.MethodPost, h.server.URL+"/webhooks/whatsapp", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("X-Hub-Signature-256", signature)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[n] = res.StatusCode
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for n, status := range statuses {
		switch status {
		case http.StatusOK:
			ok++
		case http.StatusServiceUnavailable: // allowed: Meta retries; nothing was acknowledged
		default:
			t.Errorf("sender %d got %d", n, status)
		}
	}
	if ok == 0 {
		t.Error("no sender got 200")
	}
	if got, want := h.rowCounts(t), (rowCounts{messages: 1, contacts: 1, interactions: 1}); got != want {
		t.Errorf("rows = %+v, want %+v", got, want)
	}
}

func TestWebhookBatchAcrossEntriesAndChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	const secondNumber = "206540352242922"
	ann, bob, cat := customer{"111", "Ann"}, customer{"222", "Bob"}, customer{"333", "Cat"}
	past := time.Now().Add(-time.Minute)
	body := webhookBody(
		[]change{
			{phoneNumberID: testPhoneNumberID, contacts: []customer{ann, bob},
				messages: []string{textMessage("m1", ann.waID, "one"), textMessage("m2", bob.waID, "two")},
				statuses: []string{statusUpdate("s1", "delivered", ann.waID, past)}},
			{phoneNumberID: secondNumber, contacts: []customer{ann},
				messages: []string{textMessage("m3", ann.waID, "three")}},
		},
		[]change{
			{phoneNumberID: testPhoneNumberID, contacts: []customer{cat},
				messages: []string{textMessage("m4", cat.waID, "four"), textMessage("m5", cat.waID, "five")},
				statuses: []string{statusUpdate("s2", "sent", cat.waID, past), statusUpdate("s3", "read", cat.waID, past)}},
			{phoneNumberID: secondNumber, contacts: []customer{bob, cat},
				messages: []string{textMessage("m6", bob.waID, "six"), textMessage("m7", cat.waID, "seven"), textMessage("m8", bob.waID, "eight")},
				statuses: []string{statusUpdate("s4", "delivered", bob.waID, past)}},
		},
	)
	res := h.postSigned(t, body)
	if res.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", res.status, res.body)
	}
	want := map[string]struct{ number, from, text string }{
		"m1": {testPhoneNumberID, "111", "one"}, "m2": {testPhoneNumberID, "222", "two"}, "m3": {secondNumber, "111", "three"},
		"m4": {testPhoneNumberID, "333", "four"}, "m5": {testPhoneNumberID, "333", "five"}, "m6": {secondNumber, "222", "six"},
		"m7": {secondNumber, "333", "seven"}, "m8": {secondNumber, "222", "eight"},
	}
	for wamid, w := range want {
		m, err := h.store.MessageByWAMID(ctx, wamid)
		if err != nil {
			t.Errorf("%s not stored: %v", wamid, err)
			continue
		}
		contact, err := h.store.ContactByID(ctx, m.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		if m.PhoneNumberID != w.number || contact.WAID != w.from || m.Body != w.text {
			t.Errorf("%s stored as number %s from %s %q, want %+v", wamid, m.PhoneNumberID, contact.WAID, m.Body, w)
		}
	}
	// Interactions are per customer and business number: Ann, Bob and Cat on the first; Ann, Bob, Cat on the second.
	if got, want := h.rowCounts(t), (rowCounts{messages: 8, contacts: 3, interactions: 6, pending: 4}); got != want {
		t.Errorf("rows = %+v, want %+v", got, want)
	}
}

func TestWebhookMalformedItemQuarantinedOthersStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	broken := `{"id":"wamid.broken","timestamp":"1749416383","type":"text","text":{"body":"no sender"}}`
	body := webhookBody([]change{{
		phoneNumberID: testPhoneNumberID,
		contacts:      []customer{{"16505551234", "Sheena Nelson"}},
		messages: []string{
			textMessage("wamid.first", "16505551234", "first"),
			broken,
			textMessage("wamid.second", "16505551234", "second"),
		},
	}})
	res := h.postSigned(t, body)
	if res.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", res.status, res.body)
	}
	if got, want := h.rowCounts(t), (rowCounts{messages: 2, contacts: 1, interactions: 1, quarantine: 1}); got != want {
		t.Errorf("rows = %+v, want %+v", got, want)
	}
	items, err := h.store.Quarantine(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Raw != broken || !strings.Contains(items[0].Reason, "from") {
		t.Errorf("quarantine = %+v, want the broken item verbatim with its reason", items)
	}
	if h.count(t, "messages", "wamid = 'wamid.broken'") != 0 {
		t.Error("the broken item was stored as a message")
	}
}

// sentMessage gets an agent's message accepted by the Cloud API (as the outbox records it) under wamid.
func sentMessage(t *testing.T, h *harness, wamid string) store.Message {
	t.Helper()
	ctx := context.Background()
	agent := h.loggedIn(t, "agent-"+wamid, "agent")
	i := h.activeInteraction(t, agent, "in-"+wamid, "16505551234")
	queued, err := h.interactions.Send(ctx, agent.user.ID, i.ID, "Yes, it comes in blue.")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	var sent store.Message
	err = h.store.WithTx(ctx, func(tx *store.Tx) error {
		sent, err = tx.OutboxAccepted(ctx, queued.ID, wamid, time.Now().UnixMilli())
		return err
	})
	if err != nil {
		t.Fatalf("OutboxAccepted: %v", err)
	}
	return sent
}

func TestWebhookStatusesOnlyMoveForward(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if sent := sentMessage(t, h, "wamid.out.forward"); sent.Status != store.StatusSent {
		t.Fatalf("after acceptance status = %s, want sent", sent.Status)
	}
	now := time.Now()
	steps := []struct {
		status string
		want   string
	}{
		{"read", store.StatusRead},
		{"delivered", store.StatusRead}, // late report: must not move read back
		{"sent", store.StatusRead},
		{"failed", store.StatusRead}, // a read message cannot fail afterwards
	}
	for _, step := range steps {
		res := h.postSigned(t, statusWebhook(statusUpdate("wamid.out.forward", step.status, "16505551234", now)))
		if res.status != http.StatusOK {
			t.Fatalf("%s: status = %d (%s)", step.status, res.status, res.body)
		}
		m, err := h.store.MessageByWAMID(context.Background(), "wamid.out.forward")
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != step.want {
			t.Errorf("after %s the message is %s, want %s", step.status, m.Status, step.want)
		}
	}
	if got := h.count(t, "pending_statuses"); got != 0 {
		t.Errorf("pending statuses = %d for a known wamid", got)
	}
}

func TestWebhookStatusForUnknownMessageIsParked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.postSigned(t, statusWebhook(statusUpdate("wamid.not.yet.known", "delivered", "16505551234", time.Now())))
	if res.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", res.status, res.body)
	}
	if got := h.count(t, "pending_statuses", "wamid = 'wamid.not.yet.known'", "status = 'delivered'"); got != 1 {
		t.Fatalf("pending statuses = %d, want 1", got)
	}
	// When the send response finally names the wamid, the parked report applies.
	m := sentMessage(t, h, "wamid.not.yet.known")
	m, err := h.store.MessageByID(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.StatusDelivered {
		t.Errorf("status after the wamid is known = %s, want delivered", m.Status)
	}
	if got := h.count(t, "pending_statuses"); got != 0 {
		t.Errorf("pending statuses left = %d", got)
	}
}

// TestWebhookBusyDatabase holds SQLite's write lock from another connection past the store's busy timeout
// (5 s): the webhook must answer 503 with Retry-After and store nothing, and be taken once the lock goes.
func TestWebhookBusyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the store's 5 s busy timeout")
	}
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	other, err := sql.Open("sqlite3", "file:"+h.dbPath+"?_busy_timeout=100")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	body := textWebhook("wamid.busy", "16505551234", "Sheena Nelson", "anyone?")
	res := h.postSigned(t, body)
	if res.status != http.StatusServiceUnavailable {
		t.Errorf("status while locked = %d, want 503 (%s)", res.status, res.body)
	}
	if res.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatalf("release the lock: %v", err)
	}
	if got := h.rowCounts(t); got != (rowCounts{}) {
		t.Errorf("busy webhook stored something: %+v", got)
	}
	if res := h.postSigned(t, body); res.status != http.StatusOK {
		t.Fatalf("after release status = %d (%s)", res.status, res.body)
	}
	if got, want := h.rowCounts(t), (rowCounts{messages: 1, contacts: 1, interactions: 1}); got != want {
		t.Errorf("rows = %+v, want %+v", got, want)
	}
}
