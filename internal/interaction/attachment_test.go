package interaction_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/store"
)

func (h *harness) attach(files *media.Files, typeName, name string, content []byte) interaction.Attachment {
	h.t.Helper()
	staged, err := files.Stage(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		h.t.Fatal(err)
	}
	typ, _ := media.TypeNamed(typeName)
	return interaction.Attachment{File: staged, Type: typ, Name: name}
}

func openFiles(t *testing.T) *media.Files {
	files, err := media.OpenFiles(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSendAttachmentWithCaption(t *testing.T) {
	h := newHarness(t)
	files := openFiles(t)
	i := h.interactionIn(store.StateActive, h.alice)
	sent, err := h.service.SendAttachment(h.ctx, h.alice, i.ID, "Here is your invoice\r\n", h.attach(files, "PDF", "invoice.pdf", mediatest.PDF(3000)))
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 {
		t.Fatalf("%d messages, want one file message with its caption", len(sent))
	}
	m, _ := h.store.MessageByID(h.ctx, sent[0].ID)
	if m.Kind != "document" || m.Body != "Here is your invoice" || m.MediaFilename != "invoice.pdf" || m.MediaMIME != "application/pdf" || m.Status != store.StatusQueued {
		t.Errorf("message %+v", m)
	}
	a, err := h.store.AttachmentByMessage(h.ctx, m.ID)
	if err != nil || a.State != store.AttachmentStored || !files.Has(a.SHA256) || a.TypeName != "PDF" {
		t.Errorf("attachment %+v %v", a, err)
	}
	if h.outbox.n.Load() != 1 {
		t.Error("outbox not woken")
	}
}

// TestAudioTextGoesFirst: audio takes no caption, so the text goes first as its own message.
func TestAudioTextGoesFirst(t *testing.T) {
	h := newHarness(t)
	files := openFiles(t)
	i := h.interactionIn(store.StateActive, h.alice)
	sent, err := h.service.SendAttachment(h.ctx, h.alice, i.ID, "Listen to this", h.attach(files, "OPUS", "note.opus", mediatest.OggOpus()))
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[0].Kind != "text" || sent[0].Body != "Listen to this" || sent[1].Kind != "audio" || sent[1].Body != "" || sent[0].ID > sent[1].ID {
		t.Errorf("messages %+v", sent)
	}
	long := strings.Repeat("x", 1100)
	sent, err = h.service.SendAttachment(h.ctx, h.alice, i.ID, long, h.attach(files, "PNG", "a.png", mediatest.PNG(8, 8)))
	if err != nil || len(sent) != 2 || sent[1].Body != "" {
		t.Errorf("a caption longer than WhatsApp allows: %+v %v", sent, err)
	}
}

// TestRefusedSendLeavesNothing: a file for an interaction the agent does not hold, or no longer works on,
// leaves neither a stored file nor a row.
func TestRefusedSendLeavesNothing(t *testing.T) {
	h := newHarness(t)
	files := openFiles(t)
	other := h.interactionIn(store.StateActive, h.bob)
	done := h.interactionIn(store.StateDone, h.alice)
	for _, c := range []struct {
		id   int64
		want error
	}{{other.ID, interaction.ErrNotFound}, {done.ID, interaction.ErrStale}, {9999, interaction.ErrNotFound}} {
		file := h.attach(files, "PNG", "a.png", mediatest.PNG(8, 8))
		if _, err := h.service.SendAttachment(h.ctx, h.alice, c.id, "", file); !errors.Is(err, c.want) {
			t.Errorf("interaction %d: %v, want %v", c.id, err, c.want)
		}
		if files.Has(file.File.SHA256) {
			t.Errorf("interaction %d: the file stayed in storage", c.id)
		}
	}
	entries, _ := os.ReadDir(files.TempDir())
	if len(entries) != 0 {
		t.Errorf("tmp/ holds %d files", len(entries))
	}
	var rows int
	h.store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM attachments)`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d rows written", rows)
	}
	if err := h.service.CheckSend(h.ctx, h.alice, other.ID); !errors.Is(err, interaction.ErrNotFound) {
		t.Errorf("CheckSend on another agent's interaction: %v", err)
	}
	if err := h.service.CheckSend(h.ctx, h.bob, other.ID); err != nil {
		t.Errorf("CheckSend: %v", err)
	}
}
