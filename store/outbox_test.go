package store

import (
	"context"
	"fmt"
	"path/filepath"
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
	if next, _ := s.NextOutboxAttempt(ctx, 999); next != 1000 {
		t.Errorf("NextOutboxAttempt = %d, want 1000", next)
	}
	if next, _ := s.NextOutboxAttempt(ctx, 1000); next != 0 {
		t.Errorf("NextOutboxAttempt once due = %d, want 0 (only later attempts count)", next)
	}

	// In flight: not due again, not counted as waiting for a time, listed for recovery.
	if err := s.MarkInFlight(ctx, id, 1100); err != nil {
		t.Fatal(err)
	}
	if got := dueIDs(t, s, 1_000_000, 10); len(got) != 0 {
		t.Errorf("in-flight message due again: %v", got)
	}
	if next, _ := s.NextOutboxAttempt(ctx, 0); next != 0 {
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
	if next, _ := s.NextOutboxAttempt(ctx, 2999); next != 3000 {
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

// TestDueOutboxOrderAndLimit: across contacts, due messages come by their next attempt, then commit order.
func TestDueOutboxOrderAndLimit(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	enqueue := func(waID string, at int64) int64 {
		i := mustInteraction(t, s, waID)
		id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text", Body: "x"}, at)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := enqueue("16505550001", 1000)
	b := enqueue("16505550002", 1000)
	c := enqueue("16505550003", 500)
	d := enqueue("16505550004", 2000)
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
		if got := dueIDs(t, s, tt.now, tt.limit); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("DueOutbox(%d, %d) = %v, want %v", tt.now, tt.limit, got, tt.want)
		}
	}
	if n, _ := s.OutboxLength(ctx); n != 4 {
		t.Errorf("OutboxLength = %d, want 4", n)
	}
}

// TestDueOutboxKeepsEachContactsOrder: a message is not due while an earlier one to the same contact is still
// in the outbox, whether waiting, in flight or backing off; other contacts are not held up.
func TestDueOutboxKeepsEachContactsOrder(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	x := mustInteraction(t, s, "16505550001")
	y := mustInteraction(t, s, "16505550002")
	enqueue := func(i Interaction, at int64) int64 {
		id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text", Body: "x"}, at)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := enqueue(x, 1000)
	b := enqueue(x, 1000)
	c := enqueue(y, 1000)
	check := func(when string, now int64, want ...int64) {
		t.Helper()
		if got := dueIDs(t, s, now, 10); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: due %v, want %v", when, got, want)
		}
	}
	check("waiting", 1000, a, c)
	if err := s.MarkInFlight(ctx, a, 1000); err != nil {
		t.Fatal(err)
	}
	check("first in flight", 1000, c)
	if err := s.OutboxRetry(ctx, a, 3000, "http 500"); err != nil {
		t.Fatal(err)
	}
	check("first backing off", 2000, c)
	check("first due again", 3000, c, a)
	if err := s.MarkInFlight(ctx, a, 3000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OutboxAccepted(ctx, a, "wamid.a", 3100); err != nil {
		t.Fatal(err)
	}
	check("first sent", 3100, b, c)
	if next, _ := s.NextOutboxAttempt(ctx, 3100); next != 0 {
		t.Errorf("NextOutboxAttempt = %d, want 0 (all due already)", next)
	}
}

// TestOutboxContactMigration: rows queued before the outbox knew their contact get it from their message.
func TestOutboxContactMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	x := mustInteraction(t, s, "16505550001")
	y := mustInteraction(t, s, "16505550002")
	var ids []int64
	for _, i := range []Interaction{x, x, y} {
		id, err := s.EnqueueOutbound(ctx, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Kind: "text", Body: "x"}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// Back to the schema before migration 5, with the rows still queued.
	mustExec(t, s, `DROP INDEX outbox_contact`)
	mustExec(t, s, `ALTER TABLE outbox DROP COLUMN contact_id`)
	mustExec(t, s, `DELETE FROM schema_migrations WHERE name = '005_outbox_contact.sql'`)
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := dueIDs(t, s, 1000, 10), []int64{ids[0], ids[2]}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("due after migrating = %v, want %v", got, want)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.contact_id <> m.contact_id`); n != 0 {
		t.Errorf("%d outbox rows with the wrong contact", n)
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
