package outbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"switchboard/internal/media/mediatest"
	"switchboard/internal/notify"
	"switchboard/internal/outbox"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// contentAPI plays the Cloud API's media and messages endpoints, failing the first uploads as asked.
type contentAPI struct {
	mu          sync.Mutex
	failUploads int
	uploads     []string // file name and type of each successful upload
	sent        []string // request bodies
}

func (api *contentAPI) serve(w http.ResponseWriter, r *http.Request) {
	api.mu.Lock()
	defer api.mu.Unlock()
	switch r.URL.Path {
	case "/v21.0/" + phoneNumberID + "/media":
		if api.failUploads > 0 {
			api.failUploads--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, header, _ := r.FormFile("file")
		api.uploads = append(api.uploads, header.Filename+" "+r.FormValue("type"))
		io.WriteString(w, `{"id":"MEDIA-7"}`)
	case "/v21.0/" + phoneNumberID + "/messages":
		body, _ := io.ReadAll(r.Body)
		api.sent = append(api.sent, string(body))
		io.WriteString(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.`+string(rune('A'+len(api.sent)))+`"}]}`)
	default:
		http.NotFound(w, r)
	}
}

// TestStructuredAndFileMessages: a notification goes as the exact template stored with it; a response's
// file is uploaded first (once, even when the send is retried after a failed upload) and sent by id.
func TestStructuredAndFileMessages(t *testing.T) {
	api := &contentAPI{failUploads: 1}
	server := httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(server.Close)
	h := newHarness(t, nil)
	files := h.withServer(server)

	template := notify.Content{Message: whatsapp.NewTemplate("", "thank_you_patience", "en_US", whatsapp.TemplateBody(whatsapp.TextParameter("We found it.")))}
	file := h.responseFile(files, "terms.pdf", "application/pdf", mediatest.PDF(1000))
	enqueue := func(kind string, content notify.Content) int64 {
		now := h.clock.Now().UnixMilli()
		id, err := h.store.EnqueueOutbound(h.ctx, store.Message{InteractionID: h.inter.ID, ContactID: h.inter.ContactID, PhoneNumberID: phoneNumberID,
			Kind: kind, Payload: content.Encode(), AuthorID: h.agent, OriginatedAt: now, ReceivedAt: now}, now)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	templateID := enqueue("template", template)
	fileID := enqueue("document", notify.Attachment(file.ID, file.Filename, file.MIME))

	h.worker.Drain(h.ctx)
	if m := h.message(templateID); m.Status != store.StatusSent {
		t.Fatalf("template %+v", m)
	}
	if m := h.message(fileID); m.Status != store.StatusQueued || h.outboxRow(fileID).attempts != 1 {
		t.Fatalf("after a failed upload the file message is %s with %+v, want queued for a retry", m.Status, h.outboxRow(fileID))
	}
	h.clock.Advance(time.Minute)
	h.worker.Drain(h.ctx)
	if m := h.message(fileID); m.Status != store.StatusSent || m.MediaID != "MEDIA-7" {
		t.Fatalf("file message %+v", m)
	}
	if len(api.uploads) != 1 || api.uploads[0] != "terms.pdf application/pdf" {
		t.Errorf("uploads %v", api.uploads)
	}
	want := []string{
		`{"messaging_product":"whatsapp","recipient_type":"individual","to":"` + customer + `","type":"template","template":{"name":"thank_you_patience","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"We found it."}]}]}}`,
		`{"messaging_product":"whatsapp","recipient_type":"individual","to":"` + customer + `","type":"document","document":{"id":"MEDIA-7","filename":"terms.pdf"}}`,
	}
	for i := range want {
		if i >= len(api.sent) || !sameJSON(api.sent[i], want[i]) {
			t.Errorf("send %d:\n%v\nwant\n%s", i, api.sent, want[i])
		}
	}
	built, err := outbox.Outbound(store.OutboxItem{Message: h.message(fileID), RecipientWAID: customer})
	if err != nil || built.Document == nil || built.Document.ID != "MEDIA-7" {
		t.Errorf("Outbound = %+v %v", built, err)
	}
}

// TestFileWithoutUploaderFails: a connection that cannot upload fails a file message instead of sending
// it without its file.
func TestFileWithoutUploaderFails(t *testing.T) {
	api := newCloudAPI(t, accepted("wamid.x"))
	h := newHarness(t, sendOnly{api.client()})
	now := h.clock.Now().UnixMilli()
	id, err := h.store.EnqueueOutbound(h.ctx, store.Message{InteractionID: h.inter.ID, ContactID: h.inter.ContactID, PhoneNumberID: phoneNumberID,
		Kind: "image", Payload: notify.Attachment(1, "a.png", "image/png").Encode(), AuthorID: h.agent, OriginatedAt: now, ReceivedAt: now}, now)
	if err != nil {
		t.Fatal(err)
	}
	h.worker.Drain(h.ctx)
	if m := h.message(id); m.Status != store.StatusFailed || api.requests.Load() != 0 {
		t.Errorf("message %+v after %d requests", m, api.requests.Load())
	}
}

type sendOnly struct{ outbox.Sender }

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	ex, _ := json.Marshal(x)
	ey, _ := json.Marshal(y)
	return string(ex) == string(ey)
}
