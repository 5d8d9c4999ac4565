package store

import (
	"context"
	"testing"
)

type outboxRow struct {
	attempts      int
	nextAttemptAt int64
	inFlightSince int64
	lastError     string
}

func readOutboxRow(t *testing.T, s *Store, messageID int64) (outboxRow, bool) {
	t.Helper()
	var r outboxRow
	err := s.DB().QueryRowContext(context.Background(), `SELECT attempts, next_attempt_at, in_flight_since, last_error FROM outbox WHERE message_id = ?`, messageID).
		Scan(&r.attempts, &r.nextAttemptAt, &r.inFlightSince, &r.lastError)
	if err != nil {
		return outboxRow{}, false
	}
	return r, true
}

func dueIDs(t *testing.T, s *Store, now int64, limit int) []int64 {
	t.Helper()
	items, err := s.DueOutbox(context.Background(), now, limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, item := range items {
		ids = append(ids, item.Message.ID)
	}
	return ids
}

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	agent := mustUser(t, s, "agent")
	i := interactionIn(t, s, "16505551234", StateActive, agent)

	id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text",
		Body: "Yes, it comes in blue", AuthorID: agent, OriginatedAt: 1000, ReceivedAt: 1000, Direction: DirectionIn, Status: StatusRead}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.MessageByID(ctx, id)
	if m.Direction != DirectionOut || m.Status != StatusQueued || m.StatusAt != 1000 || m.WAMID != "" || m.AuthorID != agent {
		t.Errorf("enqueued message = %+v, want outbound, queued, no wamid", m)
	}
	if row, ok := readOutboxRow(t, s, id); !ok || row.attempts != 0 || row.nextAttemptAt != 1000 || row.inFlightSince != 0 {
		t.Errorf("outbox row = %+v, %v", row, ok)
	}

	if got := dueIDs(t, s, 999, 10); len(got) != 0 {
		t.Errorf("due before its time: %v", got)
	}
	items, err := s.DueOutbox(ctx, 1000, 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("DueOutbox = %+v, %v", items, err)
	}
	if items[0].RecipientWAID != "16505551234" || items[0].Attempts != 0 || items[0].Message.Body != "Yes, it comes in blue" {
		t.Errorf("due item = %+v", items[0])
	}
	if next, _ := s.NextOutboxAttempt(ctx); next != 1000 {
		t.Errorf("NextOutboxAttempt = %d, want 1000", next)
	}

	// In flight: not due again, not counted as waiting for a time, listed for recovery.
	if err := s.MarkInFlight(ctx, id, 1100); err != nil {
		t.Fatal(err)
	}
	if got := dueIDs(t, s, 1_000_000, 10); len(got) != 0 {
		t.Errorf("in-flight message due again: %v", got)
	}
	if next, _ := s.NextOutboxAttempt(ctx); next != 0 {
		t.Errorf("NextOutboxAttempt with only in-flight rows = %d, want 0", next)
	}
	if inFlight, err := s.InFlightOutbox(ctx); err != nil || len(inFlight) != 1 || inFlight[0] != id {
		t.Errorf("InFlightOutbox = %v, %v", inFlight, err)
	}

	// A transient failure schedules the next attempt.
	if err := s.OutboxRetry(ctx, id, 3000, "http 500"); err != nil {
		t.Fatal(err)
	}
	if row, _ := readOutboxRow(t, s, id); row.attempts != 1 || row.nextAttemptAt != 3000 || row.inFlightSince != 0 || row.lastError != "http 500" {
		t.Errorf("after retry: %+v", row)
	}
	if inFlight, _ := s.InFlightOutbox(ctx); len(inFlight) != 0 {
		t.Errorf("still in flight after retry: %v", inFlight)
	}
	if got := dueIDs(t, s, 2999, 10); len(got) != 0 {
		t.Errorf("due before the retry time: %v", got)
	}
	items, _ = s.DueOutbox(ctx, 3000, 10)
	if len(items) != 1 || items[0].Attempts != 1 {
		t.Errorf("due at retry time = %+v", items)
	}
	if next, _ := s.NextOutboxAttempt(ctx); next != 3000 {
		t.Errorf("NextOutboxAttempt = %d, want 3000", next)
	}

	if err := s.MarkInFlight(ctx, id, 3000); err != nil {
		t.Fatal(err)
	}
	m, err = s.OutboxAccepted(ctx, id, "wamid.sent", 3100)
	if err != nil {
		t.Fatal(err)
	}
	if m.WAMID != "wamid.sent" || m.Status != StatusSent || m.StatusAt != 3100 {
		t.Errorf("accepted = %+v", m)
	}
	if n, _ := s.OutboxLength(ctx); n != 0 {
		t.Errorf("OutboxLength = %d after acceptance, want 0", n)
	}
	if inFlight, _ := s.InFlightOutbox(ctx); len(inFlight) != 0 {
		t.Errorf("InFlightOutbox after acceptance = %v", inFlight)
	}
}

func TestOutboxFailed(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text", Body: "hi"}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkInFlight(ctx, id, 1000); err != nil {
		t.Fatal(err)
	}
	m, err := s.OutboxFailed(ctx, id, 131047, "Re-engagement message", "More than 24 hours have passed", 1200)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusFailed || m.StatusAt != 1200 || m.ErrorCode != 131047 || m.ErrorTitle != "Re-engagement message" ||
		m.ErrorDetail != "More than 24 hours have passed" {
		t.Errorf("failed message = %+v", m)
	}
	if _, ok := readOutboxRow(t, s, id); ok {
		t.Error("outbox row left after final failure")
	}
	if got := dueIDs(t, s, 1<<50, 10); len(got) != 0 {
		t.Errorf("failed message still due: %v", got)
	}
}

func TestDueOutboxOrderAndLimit(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	i := mustInteraction(t, s, "16505551234")
	enqueue := func(at int64) int64 {
		id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text", Body: "x"}, at)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := enqueue(1000)
	b := enqueue(1000)
	c := enqueue(500)
	d := enqueue(2000)
	tests := []struct {
		now   int64
		limit int
		want  []int64
	}{
		{1000, 10, []int64{c, a, b}},
		{1000, 2, []int64{c, a}},
		{5000, 10, []int64{c, a, b, d}},
		{499, 10, nil},
	}
	for _, tt := range tests {
		got := dueIDs(t, s, tt.now, tt.limit)
		if len(got) != len(tt.want) {
			t.Errorf("DueOutbox(%d, %d) = %v, want %v", tt.now, tt.limit, got, tt.want)
			continue
		}
		for k := range got {
			if got[k] != tt.want[k] {
				t.Errorf("DueOutbox(%d, %d) = %v, want %v", tt.now, tt.limit, got, tt.want)
				break
			}
		}
	}
	if n, _ := s.OutboxLength(ctx); n != 4 {
		t.Errorf("OutboxLength = %d, want 4", n)
	}
}

func TestQuarantineAndWebhookErrors(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	raws := []string{`{"id":1}`, `[not json`, `{"from":"16505551234"}`}
	for n, raw := range raws {
		if err := s.AddQuarantine(ctx, "webhook", "reason "+raw, raw, int64(1000+n)); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Quarantine(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Raw != raws[2] || list[1].Raw != raws[1] {
		t.Fatalf("Quarantine(2) = %+v, want the two newest, newest first", list)
	}
	if list[0].Source != "webhook" || list[0].Reason != "reason "+raws[2] || list[0].ReceivedAt != 1002 {
		t.Errorf("quarantine item = %+v", list[0])
	}

	e := WebhookError{PhoneNumberID: testPhoneNumberID, Code: 131056, Title: "Pair rate limit hit", Message: "(#131056) Pair rate limit hit",
		Detail: "Too many messages sent from this phone number to the same phone number in a short period of time", ReceivedAt: 5000}
	if err := s.AddWebhookError(ctx, e); err != nil {
		t.Fatal(err)
	}
	errs, err := s.WebhookErrors(ctx, 10)
	if err != nil || len(errs) != 1 {
		t.Fatalf("WebhookErrors = %+v, %v", errs, err)
	}
	got := errs[0]
	got.ID = 0
	if got != e {
		t.Errorf("WebhookErrors[0] = %+v, want %+v", got, e)
	}
}

func TestBusinessNumbersAndDispositions(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if err := s.UpsertBusinessNumber(ctx, testPhoneNumberID, "+1 555 078 3881"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertBusinessNumber(ctx, testPhoneNumberID, "+1 555-078-3881"); err != nil {
		t.Fatal(err)
	}
	numbers, err := s.BusinessNumbers(ctx)
	if err != nil || len(numbers) != 1 || numbers[0].DisplayNumber != "+1 555-078-3881" {
		t.Errorf("BusinessNumbers = %+v, %v", numbers, err)
	}
	if err := s.DeleteBusinessNumber(ctx, testPhoneNumberID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBusinessNumber(ctx, testPhoneNumberID); err == nil {
		t.Error("deleting a missing number succeeded")
	}

	all, err := s.Dispositions(ctx, true)
	if err != nil || len(all) == 0 {
		t.Fatalf("seeded dispositions = %+v, %v", all, err)
	}
	id, err := s.CreateDisposition(ctx, "Spam")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDisposition(ctx, "spam"); err == nil {
		t.Error("duplicate disposition name accepted")
	}
	if err := s.SetDispositionActive(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	active, _ := s.Dispositions(ctx, true)
	everything, _ := s.Dispositions(ctx, false)
	if len(active) != len(all) || len(everything) != len(all)+1 || everything[len(everything)-1].Name != "Spam" {
		t.Errorf("active %d, all %d (seeded %d)", len(active), len(everything), len(all))
	}
	d, err := s.DispositionByID(ctx, id)
	if err != nil || d.Active || d.Name != "Spam" {
		t.Errorf("DispositionByID = %+v, %v", d, err)
	}
}
