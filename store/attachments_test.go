package store

import (
	"context"
	"errors"
	"testing"
)

func mediaMessage(i Interaction, wamid, mediaID string) Message {
	return Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: i.PhoneNumberID, Direction: DirectionIn, Kind: "image",
		WAMID: wamid, MediaID: mediaID, Status: StatusReceived, OriginatedAt: 1000, ReceivedAt: 1000, StatusAt: 1000}
}

func TestMediaFetchLifecycle(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	i := mustInteraction(t, s, "447700900001")
	first := mustInsertMessage(t, s, mediaMessage(i, "wamid.A", "media-a"))
	second := mustInsertMessage(t, s, mediaMessage(i, "wamid.B", "media-b"))
	for _, id := range []int64{first, second} {
		if err := s.InsertAttachment(ctx, Attachment{MessageID: id, State: AttachmentPending, FileName: "photo.jpg", NextAttemptAt: 1000, CreatedAt: 1000}); err != nil {
			t.Fatal(err)
		}
	}
	if next, err := s.NextMediaFetch(ctx); err != nil || next != 1000 {
		t.Fatalf("NextMediaFetch = %d, %v", next, err)
	}
	due, err := s.DueMediaFetches(ctx, 1000, 10)
	if err != nil || len(due) != 2 || due[0].MediaID != "media-a" || due[0].InteractionID != i.ID {
		t.Fatalf("due = %+v, %v", due, err)
	}

	if err := s.MediaFetchFailed(ctx, first, "HTTP 500", 5000, false); err != nil {
		t.Fatal(err)
	}
	if err := s.MediaFetched(ctx, second, "abcd", 42, "image/jpeg", "JPG"); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueMediaFetches(ctx, 4999, 10)
	if len(due) != 0 {
		t.Fatalf("retry came early or the stored file is still due: %+v", due)
	}
	a, err := s.AttachmentByMessage(ctx, first)
	if err != nil || a.State != AttachmentRetrying || a.Attempts != 1 || a.LastError != "HTTP 500" {
		t.Fatalf("after a failure: %+v %v", a, err)
	}
	if err := s.MediaFetchFailed(ctx, first, "gone", 0, true); err != nil {
		t.Fatal(err)
	}
	all, err := s.InteractionAttachments(ctx, i.ID)
	if err != nil || len(all) != 2 {
		t.Fatalf("InteractionAttachments = %v, %v", all, err)
	}
	if all[first].State != AttachmentUnavailable || all[second].State != AttachmentStored || all[second].Size != 42 {
		t.Errorf("states: %+v", all)
	}
	if next, _ := s.NextMediaFetch(ctx); next != 0 {
		t.Errorf("nothing waits, yet NextMediaFetch = %d", next)
	}
	// A late fetch result does not revive a file that was given up on.
	if err := s.MediaFetched(ctx, first, "ef", 1, "image/jpeg", "JPG"); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.AttachmentByMessage(ctx, first); a.State != AttachmentUnavailable {
		t.Errorf("given-up file changed to %s", a.State)
	}
}

func TestAStoredAttachmentNeedsItsContent(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	i := mustInteraction(t, s, "447700900002")
	id := mustInsertMessage(t, s, mediaMessage(i, "wamid.C", "media-c"))
	if err := s.InsertAttachment(ctx, Attachment{MessageID: id, State: AttachmentStored, CreatedAt: 1}); err == nil {
		t.Error("a stored attachment without a hash was accepted")
	}
}

func TestEnqueueOutboundAttachmentIsAtomic(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	i := mustInteraction(t, s, "447700900003")
	m := Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: i.PhoneNumberID, Kind: "document", Body: "the invoice",
		MediaMIME: "application/pdf", MediaFilename: "invoice.pdf", OriginatedAt: 1, ReceivedAt: 1}
	a := Attachment{FileName: "invoice.pdf", SHA256: "0123", Size: 10, ContentType: "application/pdf", TypeName: "PDF"}
	id, err := s.EnqueueOutboundAttachment(ctx, m, a, 2000)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.AttachmentByMessage(ctx, id)
	if err != nil || stored.State != AttachmentStored || stored.SHA256 != "0123" || stored.CreatedAt != 2000 {
		t.Fatalf("attachment %+v %v", stored, err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbox WHERE message_id = ?`, id); n != 1 {
		t.Errorf("outbox rows %d", n)
	}
	if n, _ := s.CountFilesWithContent(ctx, "0123"); n != 1 {
		t.Errorf("CountFilesWithContent = %d", n)
	}

	// A failing attachment insert (a hash-less stored row breaks the CHECK) rolls the message back too.
	before := countRows(t, s, `SELECT COUNT(*) FROM messages`)
	if _, err := s.EnqueueOutboundAttachment(ctx, m, Attachment{FileName: "x"}, 3000); err == nil {
		t.Fatal("an attachment without content was enqueued")
	}
	if after := countRows(t, s, `SELECT COUNT(*) FROM messages`); after != before {
		t.Errorf("messages %d → %d: half an enqueue was kept", before, after)
	}

	if err := s.SetUploadedMediaID(ctx, id, "media-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUploadedMediaID(ctx, id, "media-2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.MessageByID(ctx, id); got.MediaID != "media-1" {
		t.Errorf("media id %q: a second upload must not replace the first", got.MediaID)
	}
	if err := s.OutboxUploadRetry(ctx, id, 9000, "upload failed"); err != nil {
		t.Fatal(err)
	}
	items, err := s.DueOutbox(ctx, 9000, 10)
	if err != nil || len(items) != 1 || items[0].Attempts != 1 {
		t.Errorf("after an upload retry: %+v %v", items, err)
	}
	if _, err := s.AttachmentByMessage(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing attachment: %v", err)
	}
}
