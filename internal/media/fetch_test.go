package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// source plays the Cloud API's media endpoints: each media id maps to a file, and failures can be queued.
type source struct {
	mu        sync.Mutex
	files     map[string][]byte
	failures  []string // "lookup", "download", "corrupt", "gone"
	lookups   int
	downloads int
}

func (s *source) next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) == 0 {
		return ""
	}
	failure := s.failures[0]
	s.failures = s.failures[1:]
	return failure
}

func (s *source) LookupMedia(ctx context.Context, mediaID string) (whatsapp.MediaInfo, error) {
	s.mu.Lock()
	s.lookups++
	content, ok := s.files[mediaID]
	s.mu.Unlock()
	switch failure := s.next(); {
	case failure == "lookup":
		return whatsapp.MediaInfo{}, &whatsapp.APIError{HTTPStatus: 500, Code: 131000, Title: "Something went wrong"}
	case failure == "gone" || !ok:
		return whatsapp.MediaInfo{}, &whatsapp.APIError{HTTPStatus: 400, Code: 100, Title: "Invalid parameter"}
	case failure != "":
		s.mu.Lock()
		s.failures = append([]string{failure}, s.failures...)
		s.mu.Unlock()
	}
	sum := sha256.Sum256(content)
	return whatsapp.MediaInfo{ID: mediaID, URL: "https://lookaside.example/" + mediaID, MIMEType: "image/png", SHA256: hex.EncodeToString(sum[:]), FileSize: int64(len(content))}, nil
}

func (s *source) DownloadMedia(ctx context.Context, url string) (io.ReadCloser, error) {
	s.mu.Lock()
	s.downloads++
	content := s.files[url[len("https://lookaside.example/"):]]
	s.mu.Unlock()
	switch s.next() {
	case "download":
		return nil, &whatsapp.TransportError{Err: errors.New("connection reset")}
	case "untrusted":
		return nil, fmt.Errorf("download: %w", whatsapp.ErrUntrustedMediaURL)
	case "corrupt":
		corrupted := append([]byte{}, content...)
		corrupted[len(corrupted)/2] ^= 0xFF
		return io.NopCloser(bytes.NewReader(corrupted)), nil
	}
	return io.NopCloser(bytes.NewReader(content)), nil
}

type fetchHarness struct {
	st      *store.Store
	files   *media.Files
	source  *source
	fetcher *media.Fetcher
	events  *events.Subscription
	now     time.Time
	agentID int64
}

func newFetchHarness(t *testing.T) *fetchHarness {
	t.Helper()
	h := &fetchHarness{st: openStore(t), files: openFiles(t), source: &source{files: map[string][]byte{}}, now: time.UnixMilli(1_000_000)}
	hub := events.NewHub()
	h.fetcher = media.NewFetcher(h.st, hub, h.files, h.source, slog.New(slog.DiscardHandler), func() time.Time { return h.now })
	ctx := t.Context()
	var err error
	h.agentID, err = h.st.CreateUser(ctx, store.User{Username: "ava", DisplayName: "Ava", PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	h.events = hub.Subscribe(events.UserTopic(h.agentID))
	t.Cleanup(h.events.Close)
	return h
}

// receive stores an inbound image message of an interaction the agent holds, as intake does.
func (h *fetchHarness) receive(t *testing.T, mediaID string, content []byte) int64 {
	t.Helper()
	ctx := t.Context()
	h.source.files[mediaID] = content
	contact, err := h.st.EnsureContact(ctx, "4477009"+mediaID[len(mediaID)-4:], "", 1)
	if err != nil {
		t.Fatal(err)
	}
	i, err := h.st.CreateInteraction(ctx, contact.ID, "1001", 1)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.st.AssignInteraction(ctx, i.ID, h.agentID, 1); err != nil || !ok {
		t.Fatal(ok, err)
	}
	id, _, err := h.st.InsertMessage(ctx, store.Message{InteractionID: i.ID, ContactID: contact.ID, PhoneNumberID: "1001", Direction: store.DirectionIn,
		Kind: "image", WAMID: "wamid." + mediaID, MediaID: mediaID, Status: store.StatusReceived, OriginatedAt: 1, ReceivedAt: 1, StatusAt: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InsertAttachment(ctx, store.Attachment{MessageID: id, State: store.AttachmentPending, FileName: "photo.png", NextAttemptAt: h.now.UnixMilli(), CreatedAt: 1}); err != nil {
		t.Fatal(err)
	}
	return id
}

func (h *fetchHarness) attachment(t *testing.T, id int64) store.Attachment {
	t.Helper()
	a, err := h.st.AttachmentByMessage(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (h *fetchHarness) expectEvent(t *testing.T, messageID int64) {
	t.Helper()
	select {
	case e := <-h.events.C:
		if e.Kind != events.MessageChanged || e.MessageID != messageID {
			t.Errorf("event %+v, want message.changed for %d", e, messageID)
		}
	default:
		t.Errorf("no event for message %d", messageID)
	}
}

func TestFetchStoresTheCheckedFile(t *testing.T) {
	h := newFetchHarness(t)
	content := mediatest.PNG(64, 48)
	id := h.receive(t, "media-0001", content)
	h.fetcher.Drain(t.Context())
	a := h.attachment(t, id)
	sum := sha256.Sum256(content)
	if a.State != store.AttachmentStored || a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(content)) || a.ContentType != "image/png" || a.TypeName != "PNG" {
		t.Fatalf("attachment %+v", a)
	}
	if !h.files.Has(a.SHA256) {
		t.Error("file not in storage")
	}
	h.expectEvent(t, id)
}

// TestFailedFetchIsRetriedWithBackoff: a failed download leaves the message waiting in "retrying" (shown as
// unavailable — retrying) and it is filled in on a later attempt, not before the backoff is over.
func TestFailedFetchIsRetriedWithBackoff(t *testing.T) {
	h := newFetchHarness(t)
	content := mediatest.JPEG(80, 60)
	id := h.receive(t, "media-0002", content)
	h.source.failures = []string{"download", "corrupt", "lookup"}

	h.fetcher.Drain(t.Context())
	a := h.attachment(t, id)
	if a.State != store.AttachmentRetrying || a.Attempts != 1 || a.LastError == "" {
		t.Fatalf("after a failed download: %+v", a)
	}
	h.expectEvent(t, id)
	if a.NextAttemptAt != h.now.Add(media.FetchBackoff(1)).UnixMilli() {
		t.Errorf("next attempt at %d, want after %v", a.NextAttemptAt, media.FetchBackoff(1))
	}

	h.fetcher.Drain(t.Context()) // not due yet
	if got := h.attachment(t, id); got.Attempts != 1 {
		t.Fatalf("retried before the backoff was over: %+v", got)
	}
	h.now = h.now.Add(media.FetchBackoff(1))
	h.fetcher.Drain(t.Context()) // the corrupted download fails its SHA-256 check
	if got := h.attachment(t, id); got.State != store.AttachmentRetrying || got.Attempts != 2 {
		t.Fatalf("after a corrupt download: %+v", got)
	}
	if entries := tempEntries(t, h.files); len(entries) != 0 {
		t.Errorf("the corrupt download was left in tmp/: %v", entries)
	}
	h.now = h.now.Add(media.FetchBackoff(2))
	h.fetcher.Drain(t.Context()) // look-up fails
	h.now = h.now.Add(media.FetchBackoff(3))
	h.fetcher.Drain(t.Context()) // works
	if got := h.attachment(t, id); got.State != store.AttachmentStored || got.Attempts != 4 {
		t.Fatalf("after the retries: %+v", got)
	}
}

func TestFetchGivesUpOnUnknownMedia(t *testing.T) {
	h := newFetchHarness(t)
	id := h.receive(t, "media-0003", mediatest.PNG(4, 4))
	h.source.failures = []string{"gone"}
	h.fetcher.Drain(t.Context())
	if a := h.attachment(t, id); a.State != store.AttachmentUnavailable || a.Attempts != 1 {
		t.Fatalf("unknown media: %+v", a)
	}
	h.expectEvent(t, id)
}

// A media URL on a host the token must not go to is not tried again: the file is shown as unavailable.
func TestFetchGivesUpOnUntrustedMediaURL(t *testing.T) {
	h := newFetchHarness(t)
	id := h.receive(t, "media-0004", mediatest.PNG(4, 4))
	h.source.failures = []string{"untrusted"}
	h.fetcher.Drain(t.Context())
	if a := h.attachment(t, id); a.State != store.AttachmentUnavailable || a.Attempts != 1 {
		t.Fatalf("untrusted media URL: %+v", a)
	}
	h.expectEvent(t, id)
}

func TestFetchKeepsUnknownKindsAsPlainFiles(t *testing.T) {
	h := newFetchHarness(t)
	id := h.receive(t, "media-0004", mediatest.HTML())
	h.fetcher.Drain(t.Context())
	a := h.attachment(t, id)
	if a.State != store.AttachmentStored || a.ContentType != "application/octet-stream" || a.TypeName != "" {
		t.Errorf("an HTML file a customer sent: %+v", a)
	}
}
