package outbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/notify"
	"switchboard/internal/outbox"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// mediaAPI plays the media and messages endpoints. uploadScript and sendScript answer in turn (the last
// answer repeats); an empty script accepts.
type mediaAPI struct {
	t            *testing.T
	server       *httptest.Server
	mu           sync.Mutex
	uploads      [][]byte
	uploadTypes  []string
	sends        []map[string]any
	uploadScript []int
	sendScript   []int
}

func newMediaAPI(t *testing.T) *mediaAPI {
	api := &mediaAPI{t: t}
	api.server = httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(api.server.Close)
	return api
}

func next(script []int, n int) int {
	if len(script) == 0 {
		return http.StatusOK
	}
	return script[min(n, len(script))-1]
}

func (api *mediaAPI) serve(w http.ResponseWriter, r *http.Request) {
	api.mu.Lock()
	defer api.mu.Unlock()
	switch r.URL.Path {
	case "/v21.0/" + phoneNumberID + "/media":
		file, header, err := r.FormFile("file")
		if err != nil {
			api.t.Errorf("upload without a file: %v", err)
			return
		}
		content, _ := io.ReadAll(file)
		api.uploads = append(api.uploads, content)
		api.uploadTypes = append(api.uploadTypes, r.FormValue("type")+" "+header.Filename)
		switch status := next(api.uploadScript, len(api.uploads)); status {
		case http.StatusOK:
			io.WriteString(w, `{"id":"media-`+string(rune('0'+len(api.uploads)))+`"}`)
		case http.StatusBadRequest:
			w.WriteHeader(status)
			io.WriteString(w, `{"error":{"message":"(#131053) Media upload error","type":"OAuthException","code":131053,"error_data":{"details":"Unsupported file type"}}}`)
		default:
			http.Error(w, "upstream failure", status)
		}
	case "/v21.0/" + phoneNumberID + "/messages":
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		api.sends = append(api.sends, body)
		if status := next(api.sendScript, len(api.sends)); status != http.StatusOK {
			http.Error(w, "upstream failure", status)
			return
		}
		io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"`+customer+`","wa_id":"`+customer+`"}],"messages":[{"id":"wamid.M`+string(rune('0'+len(api.sends)))+`"}]}`)
	default:
		api.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
	}
}

func (api *mediaAPI) counts() (uploads, sends int) {
	api.mu.Lock()
	defer api.mu.Unlock()
	return len(api.uploads), len(api.sends)
}

// withMedia gives the worker files and an uploader talking to api.
func (h *harness) withMedia(api *mediaAPI) *media.Files {
	h.t.Helper()
	return h.withServer(api.server)
}

// withServer gives the worker files, and a client and uploader talking to server.
func (h *harness) withServer(server *httptest.Server) *media.Files {
	h.t.Helper()
	files, err := media.OpenFiles(filepath.Join(h.t.TempDir(), "media"))
	if err != nil {
		h.t.Fatal(err)
	}
	client := &whatsapp.Client{BaseURL: server.URL, Version: "v21.0", AccessToken: accessToken, HTTP: server.Client()}
	h.worker.Client, h.worker.Uploader, h.worker.Blobs = client, client, files
	return files
}

// storeContent puts content in media storage.
func (h *harness) storeContent(files *media.Files, content []byte) *media.Staged {
	h.t.Helper()
	staged, err := files.Stage(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := staged.Commit(); err != nil {
		h.t.Fatal(err)
	}
	return staged
}

// responseFile stores content as a standard response's file, as notify does.
func (h *harness) responseFile(files *media.Files, name, mimeType string, content []byte) store.OutboundFile {
	h.t.Helper()
	staged := h.storeContent(files, content)
	file, err := h.store.SaveOutboundFile(h.ctx, store.OutboundFile{Filename: name, MIME: mimeType, Size: staged.Size, SHA256: staged.SHA256, CreatedAt: 1})
	if err != nil {
		h.t.Fatal(err)
	}
	return file
}

// enqueueFile stores content and queues a file message for it, as SendAttachment does.
func (h *harness) enqueueFile(files *media.Files, kind, name, mimeType, caption string, content []byte) int64 {
	h.t.Helper()
	staged := h.storeContent(files, content)
	now := h.clock.Now().UnixMilli()
	id, err := h.store.EnqueueOutboundAttachment(h.ctx, store.Message{InteractionID: h.inter.ID, ContactID: h.inter.ContactID, PhoneNumberID: phoneNumberID,
		Kind: kind, Body: caption, MediaMIME: mimeType, MediaFilename: name, AuthorID: h.agent, OriginatedAt: now, ReceivedAt: now},
		store.Attachment{FileName: name, SHA256: staged.SHA256, Size: staged.Size, ContentType: mimeType}, now)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func TestFileIsUploadedThenSentByID(t *testing.T) {
	api := newMediaAPI(t)
	h := newHarness(t, nil)
	files := h.withMedia(api)
	pdf := mediatest.PDF(300_000)
	id := h.enqueueFile(files, "document", "invoice.pdf", "application/pdf", "Your invoice", pdf)
	voice := h.enqueueFile(files, "audio", "note.ogg", "audio/ogg", "no caption on audio", mediatest.OggOpus())
	h.worker.Drain(h.ctx)

	if !bytes.Equal(api.uploads[0], pdf) || api.uploadTypes[0] != "application/pdf invoice.pdf" {
		t.Errorf("upload: %d bytes as %q", len(api.uploads[0]), api.uploadTypes[0])
	}
	document, _ := api.sends[0]["document"].(map[string]any)
	if api.sends[0]["type"] != "document" || document["id"] != "media-1" || document["caption"] != "Your invoice" || document["filename"] != "invoice.pdf" {
		t.Errorf("document send: %v", api.sends[0])
	}
	audio, _ := api.sends[1]["audio"].(map[string]any)
	if api.sends[1]["type"] != "audio" || audio["id"] != "media-2" || audio["caption"] != nil {
		t.Errorf("audio send: %v", api.sends[1])
	}
	if m := h.message(id); m.Status != store.StatusSent || m.MediaID != "media-1" || m.WAMID != "wamid.M1" {
		t.Errorf("message after sending: %+v", m)
	}
	if m := h.message(voice); m.Status != store.StatusSent {
		t.Errorf("audio message: %+v", m)
	}
}

// TestRetriedSendDoesNotUploadAgain: once uploaded, the media id is kept; a send that fails and is retried
// refers to it instead of uploading the file a second time.
func TestRetriedSendDoesNotUploadAgain(t *testing.T) {
	api := newMediaAPI(t)
	api.sendScript = []int{http.StatusServiceUnavailable, http.StatusOK}
	h := newHarness(t, nil)
	files := h.withMedia(api)
	id := h.enqueueFile(files, "image", "photo.png", "image/png", "", mediatest.PNG(20, 20))
	h.worker.Drain(h.ctx)
	if m := h.message(id); m.Status != store.StatusQueued || m.MediaID != "media-1" {
		t.Fatalf("after a failed send: %+v", m)
	}
	h.clock.Advance(outbox.Backoff(1))
	h.worker.Drain(h.ctx)
	uploads, sends := api.counts()
	if uploads != 1 || sends != 2 {
		t.Errorf("%d uploads and %d sends; want the file uploaded once and sent twice", uploads, sends)
	}
	if m := h.message(id); m.Status != store.StatusSent {
		t.Errorf("after the retry: %+v", m)
	}
}

func TestFailedUploadIsRetriedOrRefused(t *testing.T) {
	api := newMediaAPI(t)
	api.uploadScript = []int{http.StatusInternalServerError, http.StatusOK}
	h := newHarness(t, nil)
	files := h.withMedia(api)
	id := h.enqueueFile(files, "video", "clip.mp4", "video/mp4", "look", mediatest.MP4(50_000))
	h.worker.Drain(h.ctx)
	if row := h.outboxRow(id); !row.present || row.attempts != 1 || row.inFlightSince != 0 {
		t.Fatalf("after a failed upload: %+v", row)
	}
	if _, sends := api.counts(); sends != 0 {
		t.Fatal("sent without a media id")
	}
	h.clock.Advance(outbox.Backoff(1))
	h.worker.Drain(h.ctx)
	if m := h.message(id); m.Status != store.StatusSent || m.MediaID != "media-2" {
		t.Errorf("after the retried upload: %+v", m)
	}

	api.uploadScript = []int{http.StatusBadRequest}
	refused := h.enqueueFile(files, "image", "odd.png", "image/png", "", mediatest.PNG(4, 4))
	h.worker.Drain(h.ctx)
	if m := h.message(refused); m.Status != store.StatusFailed || m.ErrorCode != 131053 || m.ErrorDetail != "WhatsApp refused the file: Unsupported file type" {
		t.Errorf("refused upload: %+v", m)
	}
}

func TestMissingFileFailsTheMessage(t *testing.T) {
	api := newMediaAPI(t)
	h := newHarness(t, nil)
	files := h.withMedia(api)
	content := mediatest.PDF(1000)
	id := h.enqueueFile(files, "document", "gone.pdf", "application/pdf", "", content)
	a, _ := h.store.AttachmentByMessage(h.ctx, id)
	files.Remove(a.SHA256)
	h.worker.Drain(h.ctx)
	if m := h.message(id); m.Status != store.StatusFailed || m.ErrorTitle != "File missing" {
		t.Errorf("message %+v", m)
	}
	if uploads, sends := api.counts(); uploads+sends != 0 {
		t.Errorf("%d uploads, %d sends", uploads, sends)
	}
}

// recordingUploader passes uploads on and notes what the outbox handed over.
type recordingUploader struct {
	outbox.Uploader
	mu      sync.Mutex
	streams []bool // whether each upload read from a file rather than bytes in memory
	sizes   []int64
}

func (u *recordingUploader) UploadMedia(ctx context.Context, phoneNumberID string, upload whatsapp.MediaUpload) (string, error) {
	u.mu.Lock()
	_, isFile := upload.Content.(*os.File)
	u.streams, u.sizes = append(u.streams, isFile), append(u.sizes, upload.Size)
	u.mu.Unlock()
	return u.Uploader.UploadMedia(ctx, phoneNumberID, upload)
}

// TestResponseFileIsStreamedFromStorage: a standard response's file (here one of the composer's
// attachments) is read from media storage and streamed to the media endpoint with its size, before the
// message goes by the media id; a file gone from storage fails its message as "File missing" without
// anything reaching WhatsApp.
func TestResponseFileIsStreamedFromStorage(t *testing.T) {
	api := newMediaAPI(t)
	h := newHarness(t, nil)
	files := h.withMedia(api)
	uploader := &recordingUploader{Uploader: h.worker.Uploader}
	h.worker.Uploader = uploader
	pdf := mediatest.PDF(400_000)
	file := h.responseFile(files, "terms.pdf", "application/pdf", pdf)
	enqueue := func(file store.OutboundFile) int64 {
		now := h.clock.Now().UnixMilli()
		id, err := h.store.EnqueueOutbound(h.ctx, store.Message{InteractionID: h.inter.ID, ContactID: h.inter.ContactID, PhoneNumberID: phoneNumberID,
			Kind: "document", Payload: notify.Attachment(file.ID, file.Filename, file.MIME).Encode(), MediaFilename: file.Filename, MediaMIME: file.MIME,
			AuthorID: h.agent, OriginatedAt: now, ReceivedAt: now}, now)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	id := enqueue(file)
	h.worker.Drain(h.ctx)

	if len(api.uploads) != 1 || !bytes.Equal(api.uploads[0], pdf) || api.uploadTypes[0] != "application/pdf terms.pdf" {
		t.Fatalf("uploads %d (%v)", len(api.uploads), api.uploadTypes)
	}
	if len(uploader.streams) != 1 || !uploader.streams[0] || uploader.sizes[0] != int64(len(pdf)) {
		t.Errorf("upload handed over from a file: %v, sizes %v", uploader.streams, uploader.sizes)
	}
	document, _ := api.sends[0]["document"].(map[string]any)
	if m := h.message(id); m.Status != store.StatusSent || m.MediaID != "media-1" || document["id"] != "media-1" || document["filename"] != "terms.pdf" {
		t.Errorf("message %+v sent as %v", m, api.sends[0])
	}

	gone := h.responseFile(files, "gone.pdf", "application/pdf", mediatest.PDF(1000))
	files.Remove(gone.SHA256)
	missing := enqueue(gone)
	h.worker.Drain(h.ctx)
	if m := h.message(missing); m.Status != store.StatusFailed || m.ErrorTitle != "File missing" {
		t.Errorf("message without its file %+v", m)
	}
	if uploads, sends := api.counts(); uploads != 1 || sends != 1 {
		t.Errorf("%d uploads, %d sends after the missing file", uploads, sends)
	}
}
