package simulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strings"
	"testing"
)

// multipartBody builds a form: fields in order, then the file part (when fileName is not "-").
func multipartBody(t *testing.T, fields [][2]string, fileName, fileType string, content []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		w.WriteField(f[0], f[1])
	}
	if fileName != "-" {
		header := textproto.MIMEHeader{}
		header.Set("Content-Disposition", `form-data; name="file"; filename="`+fileName+`"`)
		if fileType != "" {
			header.Set("Content-Type", fileType)
		}
		part, err := w.CreatePart(header)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(content)
	}
	w.Close()
	return b.String(), w.FormDataContentType()
}

func (h *harness) upload(fields [][2]string, fileName, fileType string, content []byte, token string) (int, map[string]any) {
	h.t.Helper()
	body, contentType := multipartBody(h.t, fields, fileName, fileType, content)
	headers := map[string]string{"Content-Type": contentType}
	if token != "" {
		headers["Authorization"] = "Bearer " + token
	}
	status, data := h.do(http.MethodPost, "/v21.0/"+firstID+"/media", body, headers)
	return status, decodeObject(h.t, data)
}

func TestMediaUploadLookupDownload(t *testing.T) {
	h := newHarness(t)
	content := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("z"), 300_000)...)
	fields := [][2]string{{"messaging_product", "whatsapp"}, {"type", "application/pdf"}}
	status, answer := h.upload(fields, "invoice.pdf", "application/pdf", content, testToken)
	if status != http.StatusOK || keysOf(answer) != "id" {
		t.Fatalf("upload: %d %v", status, answer)
	}
	id := answer["id"].(string)

	status, data := h.do(http.MethodGet, "/v21.0/"+id, "", map[string]string{"Authorization": "Bearer " + testToken})
	info := decodeObject(t, data)
	sum := sha256.Sum256(content)
	if status != http.StatusOK || info["mime_type"] != "application/pdf" || info["sha256"] != hex.EncodeToString(sum[:]) ||
		info["file_size"] != float64(len(content)) || info["id"] != id || info["messaging_product"] != "whatsapp" {
		t.Fatalf("lookup: %d %v", status, info)
	}
	url := info["url"].(string)
	if !strings.HasPrefix(url, h.server.URL+"/sim/files/"+id) {
		t.Errorf("url %s", url)
	}
	download := func(token string) (int, []byte) {
		request, _ := http.NewRequest(http.MethodGet, url, nil)
		if token != "" {
			request.Header.Set("Authorization", "Bearer "+token)
		}
		response, err := http.DefaultClient.Do(request)
		if err != nil {
			t.Fatal(err)
		}
		defer response.Body.Close()
		body, _ := io.ReadAll(response.Body)
		return response.StatusCode, body
	}
	if status, body := download(testToken); status != http.StatusOK || !bytes.Equal(body, content) {
		t.Errorf("download: %d, %d bytes", status, len(body))
	}
	if status, _ := download(""); status != http.StatusUnauthorized {
		t.Errorf("download without the token: %d", status)
	}
	if status, _ := h.do(http.MethodGet, "/v21.0/"+id, "", nil); status != http.StatusUnauthorized {
		t.Errorf("lookup without the token: %d", status)
	}
	status, data = h.do(http.MethodGet, "/v21.0/4242424242424242", "", map[string]string{"Authorization": "Bearer " + testToken})
	if status != http.StatusBadRequest || path(decodeObject(t, data), "error", "code") != float64(100) {
		t.Errorf("unknown media: %d %s", status, data)
	}

	// Injected failures: one failed download, then a corrupted one, then the real thing.
	h.do(http.MethodPost, "/api/media-failures", `{"kind":"download_http500"}`, nil)
	h.do(http.MethodPost, "/api/media-failures", `{"kind":"download_corrupt"}`, nil)
	if status, _ := download(testToken); status != http.StatusInternalServerError {
		t.Errorf("injected failure answered %d", status)
	}
	if status, body := download(testToken); status != http.StatusOK || len(body) != len(content) || bytes.Equal(body, content) {
		t.Errorf("corrupted download: %d, %d bytes, equal=%v", status, len(body), bytes.Equal(body, content))
	}
	if _, body := download(testToken); !bytes.Equal(body, content) {
		t.Error("failures did not run out")
	}
}

func TestMediaUploadRefusals(t *testing.T) {
	h := newHarness(t)
	product := [2]string{"messaging_product", "whatsapp"}
	cases := []struct {
		name    string
		fields  [][2]string
		file    string
		content []byte
		token   string
		status  int
		code    float64
	}{
		{"no token", [][2]string{product, {"type", "image/png"}}, "a.png", []byte("x"), "", 401, 190},
		{"no file", [][2]string{product, {"type", "image/png"}}, "-", nil, testToken, 400, 100},
		{"no type", [][2]string{product}, "a.png", []byte("x"), testToken, 400, 100},
		{"no product", [][2]string{{"type", "image/png"}}, "a.png", []byte("x"), testToken, 400, 100},
		{"unsupported type", [][2]string{product, {"type", "image/gif"}}, "a.gif", []byte("GIF89a"), testToken, 400, 131053},
		{"image too large", [][2]string{product, {"type", "image/png"}}, "a.png", make([]byte, 5<<20+1), testToken, 400, 131053},
		{"empty", [][2]string{product, {"type", "application/pdf"}}, "a.pdf", nil, testToken, 400, 131053},
	}
	for _, c := range cases {
		status, answer := h.upload(c.fields, c.file, "", c.content, c.token)
		if status != c.status || path(answer, "error", "code") != c.code {
			t.Errorf("%s: %d %v, want %d with code %v", c.name, status, answer, c.status, c.code)
		}
	}
	entries, _ := os.ReadDir(h.sim.mediaDir)
	if len(entries) != 0 {
		t.Errorf("refused uploads left %d files", len(entries))
	}
}

// TestCustomerSendsAFile: the webhook carries the media object as Meta's does, and the product can look the
// file up and download it.
func TestCustomerSendsAFile(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"name":"Ann","text":"hello"}`)
	content := []byte("%PDF-1.7 the customer's scan")
	body, contentType := multipartBody(t, [][2]string{{"caption", "my scan"}}, "scan.pdf", "application/pdf", content)
	status, data := h.do(http.MethodPost, "/api/customers/447700900123/media?wait=1", body, map[string]string{"Content-Type": contentType})
	if status != http.StatusAccepted {
		t.Fatalf("send file: %d %s", status, data)
	}
	answer := decodeObject(t, data)
	webhook := messageWebhook(h.receiver.webhooks(), answer["wamid"].(string))
	message := path(webhook, "entry", 0, "changes", 0, "value", "messages", 0).(map[string]any)
	sum := sha256.Sum256(content)
	if message["type"] != "document" || path(message, "document", "id") != answer["media_id"] || path(message, "document", "filename") != "scan.pdf" ||
		path(message, "document", "caption") != "my scan" || path(message, "document", "mime_type") != "application/pdf" ||
		path(message, "document", "sha256") != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("webhook message %v", message)
	}

	photo := []byte("\xFF\xD8\xFF\xE0 not a full jpeg but typed as one")
	body, contentType = multipartBody(t, nil, "IMG_0001.JPG", "", photo)
	status, data = h.do(http.MethodPost, "/api/customers/447700900123/media?wait=1", body, map[string]string{"Content-Type": contentType})
	if status != http.StatusAccepted || decodeObject(t, data)["type"] != "image" {
		t.Errorf("photo by extension: %d %s", status, data)
	}

	// The phone shows its own files; other chats cannot reach them.
	mediaID := answer["media_id"].(string)
	if status, got := h.do(http.MethodGet, "/phone/447700900123/media/"+mediaID, "", nil); status != http.StatusOK || !bytes.Equal(got, content) {
		t.Errorf("phone file: %d", status)
	}
	if status, _ := h.do(http.MethodGet, "/phone/447700900999/media/"+mediaID, "", nil); status != http.StatusNotFound {
		t.Errorf("another chat got the file: %d", status)
	}
}

// TestSendByUnknownMediaIDFails: a message naming media nobody uploaded is accepted and then fails, as the
// Cloud API reports it.
func TestSendByUnknownMediaIDFails(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"text":"hi"}`)
	status, answer := h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"image","image":{"id":"123"}}`)
	if status != http.StatusOK {
		t.Fatalf("send: %d %v", status, answer)
	}
	wamid := path(answer, "messages", 0, "id").(string)
	webhooks := h.receiver.waitFor(t, "failed status", hasStatuses(wamid, "failed"))
	statuses := statusesFor(webhooks, wamid)
	if statuses[0]["status"] != "failed" || path(statuses[0], "errors", 0, "code") != float64(131053) {
		t.Errorf("statuses %v", statuses)
	}

	uploadStatus, uploaded := h.upload([][2]string{{"messaging_product", "whatsapp"}, {"type", "image/png"}}, "a.png", "image/png", []byte("\x89PNG"), testToken)
	if uploadStatus != http.StatusOK {
		t.Fatal(uploaded)
	}
	status, answer = h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"image","image":{"id":"`+uploaded["id"].(string)+`","caption":"hi"}}`)
	wamid = path(answer, "messages", 0, "id").(string)
	h.receiver.waitFor(t, "delivered", hasStatuses(wamid, "sent", "delivered"))
	if got := statusNames(statusesFor(h.receiver.webhooks(), wamid)); got[0] != "sent" {
		t.Errorf("statuses of a known media id: %v", got)
	}
	// The customer's phone shows the picture from the simulator's own copy.
	_, page := h.do(http.MethodGet, "/phone/447700900123", "", nil)
	if !strings.Contains(string(page), `/sim/phone/447700900123/media/`+uploaded["id"].(string)) {
		t.Error("the phone page does not show the uploaded image")
	}
}
