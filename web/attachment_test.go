package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"switchboard/internal/auth"
	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/options"
	"switchboard/store"
)

// zeros is a reader of n zero bytes that holds none of them, for bodies larger than a test wants in memory.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.n)
	clear(p[:n])
	z.n -= n
	return int(n), nil
}

// upload posts a file as static/attachments.js does: a multipart form with the text first, then the file,
// the CSRF token in a header. A negative length sends the body chunked, with no Content-Length.
func (b *browser) upload(interactionID int64, text, name string, content io.Reader, length int64) response {
	b.t.Helper()
	var head bytes.Buffer
	form := multipart.NewWriter(&head)
	form.WriteField("text", text)
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, strings.ReplaceAll(name, `"`, `\"`)))
	header.Set("Content-Type", "application/octet-stream")
	form.CreatePart(header)
	prefix := append([]byte(nil), head.Bytes()...)
	head.Reset()
	form.Close()
	suffix := head.Bytes()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/interactions/%d/attachments", b.h.server.URL, interactionID),
		io.MultiReader(bytes.NewReader(prefix), content, bytes.NewReader(suffix)))
	if err != nil {
		b.t.Fatal(err)
	}
	req.ContentLength = -1
	if length >= 0 {
		req.ContentLength = int64(len(prefix)) + length + int64(len(suffix))
	}
	req.Header.Set("Content-Type", form.FormDataContentType())
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.cookie(csrfCookieName))
	return b.do(req)
}

func (b *browser) uploadBytes(interactionID int64, text, name string, content []byte) response {
	b.t.Helper()
	return b.upload(interactionID, text, name, bytes.NewReader(content), int64(len(content)))
}

// leftovers lists what is in the media directory besides its empty tmp/ and thumbs/ folders.
func (h *harness) leftovers(t testing.TB) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(h.media.Dir(), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = append(found, path)
		}
		return nil
	})
	return found
}

func TestAttachmentUploadQueuesTheFile(t *testing.T) {
	h := newHarness(t)
	agent := h.loggedIn(t, "ava", auth.RoleAgent)
	i := h.activeInteraction(t, agent, "wamid.UP1", "447700900001")
	picture := mediatest.PNG(640, 480)

	res := agent.uploadBytes(i.ID, "Here is the photo", "../../etc/shadow.png", picture)
	if res.status != http.StatusOK {
		t.Fatalf("upload = %d\n%s", res.status, res.body)
	}
	if res.text("composer-error") != "" || res.testID("composer-text").Text() != "" {
		t.Errorf("the fresh composer is not empty: %q %q", res.text("composer-error"), res.testID("composer-text").Text())
	}
	attachment := res.testID("attachment")
	if attachment.Length() != 1 || attachment.AttrOr("data-kind", "") != "image" || attachment.AttrOr("data-type", "") != "PNG" {
		t.Fatalf("the new message shows no image attachment:\n%s", res.body)
	}
	if name := res.text("attachment-name"); name != "shadow.png" {
		t.Errorf("file name shown as %q", name)
	}
	if res.text("message-text") != "Here is the photo" || res.testID("message-status").AttrOr("data-status", "") != "queued" {
		t.Errorf("caption %q, status %q", res.text("message-text"), res.testID("message-status").AttrOr("data-status", ""))
	}
	var m store.Message
	var a store.Attachment
	err := h.store.DB().QueryRow(`SELECT id FROM messages WHERE kind = 'image'`).Scan(&m.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = h.store.MessageByID(context.Background(), m.ID)
	a, err = h.store.AttachmentByMessage(context.Background(), m.ID)
	if err != nil || a.TypeName != "PNG" || a.Size != int64(len(picture)) || !h.media.Has(a.SHA256) || m.Body != "Here is the photo" || m.MediaID != "" {
		t.Errorf("stored %+v / %+v / %v", m, a, err)
	}
	if n := h.count(t, "outbox", fmt.Sprintf("message_id = %d", m.ID)); n != 1 {
		t.Errorf("outbox rows %d", n)
	}

	thumbnail := agent.get(fmt.Sprintf("/attachments/%d/thumbnail", m.ID))
	if thumbnail.status != http.StatusOK || thumbnail.header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail = %d %s", thumbnail.status, thumbnail.header.Get("Content-Type"))
	}
}

// TestAttachmentRefusals: every refused file says exactly why, keeps the typed text, and leaves nothing
// behind: no message, no attachment row, no file in storage, nothing in tmp/.
func TestAttachmentRefusals(t *testing.T) {
	h := newHarness(t)
	agent := h.loggedIn(t, "ava", auth.RoleAgent)
	i := h.activeInteraction(t, agent, "wamid.UP2", "447700900002")
	messagesBefore := h.count(t, "messages")

	type refusal struct {
		name    string
		file    string
		content func() (io.Reader, int64)
		status  int
		want    string
	}
	fixed := func(b []byte) func() (io.Reader, int64) {
		return func() (io.Reader, int64) { return bytes.NewReader(b), int64(len(b)) }
	}
	cases := []refusal{
		{"html named pdf", "invoice.pdf", fixed(mediatest.HTML()), 422, "“invoice.pdf” cannot be sent. Its name says PDF, but its content is an HTML document."},
		{"svg named png", "logo.png", fixed(mediatest.SVG()), 422, "Its name says PNG, but its content is an SVG image."},
		{"program named docx", "report.docx", fixed(mediatest.EXE()), 422, "Its name says DOCX, but its content is a Windows program."},
		{"installer named doc", "letter.doc", fixed(mediatest.MSI()), 422, "its content is an OLE compound file that is not a Word, Excel or PowerPoint document"},
		{"zip named xlsx", "sheet.xlsx", fixed(mediatest.JAR()), 422, "its content is a Java program (JAR)"},
		{"image over 5 MB", "photo.png", fixed(mediatest.PaddedPNG(6 * media.MB)), 422, "“photo.png” is a PNG image of 6 MB; WhatsApp accepts JPG and PNG images up to 5 MB."},
		{"video over 16 MB", "clip.mp4", fixed(mediatest.MP4(17 * media.MB)), 422, "“clip.mp4” is an MP4 video of 17 MB; WhatsApp accepts videos up to 16 MB."},
		{"audio over 16 MB", "song.mp3", fixed(mediatest.MP3(17 * media.MB)), 422, "“song.mp3” is an MP3 audio file of 17 MB; WhatsApp accepts audio files up to 16 MB."},
		{"empty", "empty.pdf", fixed(nil), 422, "“empty.pdf” is empty."},
		{"100 MB announced", "huge.pdf", func() (io.Reader, int64) { return &zeros{n: 101 * media.MB}, 101 * media.MB }, 422, "is too large: files must be smaller than 100 MB."},
		{"100 MB streamed without a length", "huge.pdf", func() (io.Reader, int64) {
			return io.MultiReader(strings.NewReader("%PDF-1.4\n"), &zeros{n: 100 * media.MB}), -1
		}, 422, "“huge.pdf” is too large: files must be smaller than 100 MB."},
	}
	check := func(c refusal) {
		t.Helper()
		reader, length := c.content()
		res := agent.upload(i.ID, "typed text stays", c.file, reader, length)
		if res.status != c.status {
			t.Errorf("%s: status %d, want %d\n%.400s", c.name, res.status, c.status, res.body)
			return
		}
		if got := res.text("composer-error"); !strings.Contains(got, c.want) {
			t.Errorf("%s: reason\n%q\nwant it to contain\n%q", c.name, got, c.want)
		}
		if got := res.testID("composer-text").Text(); got != "typed text stays" {
			t.Errorf("%s: typed text became %q", c.name, got)
		}
		if n := h.count(t, "messages"); n != messagesBefore {
			t.Errorf("%s: %d messages, want %d", c.name, n, messagesBefore)
		}
		if n := h.count(t, "attachments"); n != 0 {
			t.Errorf("%s: %d attachment rows", c.name, n)
		}
		if files := h.leftovers(t); len(files) != 0 {
			t.Errorf("%s: left behind %v", c.name, files)
		}
	}
	for _, c := range cases {
		check(c)
	}

	// Admins narrow what may be sent; the refusal names their rule.
	h.setOptions(t, map[string]string{options.AttachmentAllowedTypes: "PDF,MP4", options.AttachmentMaxDocumentSize: "1"})
	check(refusal{"type not allowed", "photo.png", fixed(mediatest.PNG(10, 10)), 422, "“photo.png” is a PNG image (PNG), which your administrator does not allow. You can send PDF or MP4 files."})
	check(refusal{"narrowed size", "scan.pdf", fixed(mediatest.PDF(media.MB + 10)), 422, "“scan.pdf” is a PDF document of just over 1 MB; your administrator allows documents up to 1 MB."})
	h.setOptions(t, map[string]string{options.AttachmentAllowedTypes: "PDF"})
	check(refusal{"larger than anything allowed, by its length", "big.pdf", fixed(mediatest.PDF(4 * media.MB)), 422, "“big.pdf” is too large: the largest file you can send is 1 MB."})
	check(refusal{"larger than anything allowed, while reading", "big.pdf", func() (io.Reader, int64) {
		return bytes.NewReader(mediatest.PDF(media.MB + 100)), -1
	}, 422, "“big.pdf” is too large: the largest file you can send is 1 MB."})
}

func (h *harness) setOptions(t testing.TB, values map[string]string) {
	t.Helper()
	if problems, err := h.options.Update(context.Background(), values, 0); err != nil || len(problems) > 0 {
		t.Fatalf("options: %v %v", err, problems)
	}
}

// TestAttachmentUploadNeedsTheInteraction: a file for someone else's interaction is turned away with 404
// before its body is read, and one for a closed interaction as stale; a post without the CSRF token is
// refused.
func TestAttachmentUploadNeedsTheInteraction(t *testing.T) {
	h := newHarness(t)
	ava := h.loggedIn(t, "ava", auth.RoleAgent)
	ben := h.loggedIn(t, "ben", auth.RoleAgent)
	i := h.activeInteraction(t, ava, "wamid.UP3", "447700900003")
	if res := ben.uploadBytes(i.ID, "", "a.pdf", mediatest.PDF(500)); res.status != http.StatusNotFound {
		t.Errorf("another agent's interaction: %d", res.status)
	}
	if res := ben.uploadBytes(9999, "", "a.pdf", mediatest.PDF(500)); res.status != http.StatusNotFound {
		t.Errorf("no such interaction: %d", res.status)
	}
	body := mediatest.PDF(500)
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/interactions/%d/attachments", h.server.URL, i.ID), bytes.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if res := ava.do(req); res.status != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", res.status)
	}
	if n := h.count(t, "attachments"); n != 0 || len(h.leftovers(t)) != 0 {
		t.Errorf("refused uploads left %d rows and files %v", n, h.leftovers(t))
	}
}

// TestAttachmentDownloadAccess: the assigned agent, supervisors and admins get the exact bytes with safe
// headers; another agent gets 404, as for a file that does not exist.
func TestAttachmentDownloadAccess(t *testing.T) {
	h := newHarness(t)
	ava := h.loggedIn(t, "ava", auth.RoleAgent)
	ben := h.loggedIn(t, "ben", auth.RoleAgent)
	sue := h.loggedIn(t, "sue", auth.RoleSupervisor)
	root := h.loggedIn(t, "root", auth.RoleAdmin)
	i := h.activeInteraction(t, ava, "wamid.UP4", "447700900004")
	pdf := mediatest.PDF(200_000)
	if res := ava.uploadBytes(i.ID, "", "Quote \u202Efdp.exe", pdf); res.status != http.StatusOK {
		t.Fatalf("upload = %d %s", res.status, res.body)
	}
	jpeg := mediatest.JPEG(200, 100)
	if res := ava.uploadBytes(i.ID, "", "photo.jpg", jpeg); res.status != http.StatusOK {
		t.Fatalf("upload = %d %s", res.status, res.body)
	}
	var pdfID, jpegID int64
	h.store.DB().QueryRow(`SELECT id FROM messages WHERE kind = 'document'`).Scan(&pdfID)
	h.store.DB().QueryRow(`SELECT id FROM messages WHERE kind = 'image'`).Scan(&jpegID)

	for _, who := range []*browser{ava, sue, root} {
		res := who.get(fmt.Sprintf("/attachments/%d/file", pdfID))
		if res.status != http.StatusOK || res.body != string(pdf) {
			t.Errorf("%s: %d, %d bytes", who.user.Username, res.status, len(res.body))
			continue
		}
		disposition, params, err := mime.ParseMediaType(res.header.Get("Content-Disposition"))
		if err != nil || disposition != "attachment" || params["filename"] != "Quote [U+202E]fdp.exe.pdf" {
			t.Errorf("%s: Content-Disposition %q", who.user.Username, res.header.Get("Content-Disposition"))
		}
		if res.header.Get("Content-Type") != "application/pdf" || res.header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(res.header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: headers %v", who.user.Username, res.header)
		}
	}
	for _, path := range []string{"/attachments/%d/file", "/attachments/%d/thumbnail", "/attachments/%d/file?download=1"} {
		for _, id := range []int64{pdfID, jpegID} {
			if res := ben.get(fmt.Sprintf(path, id)); res.status != http.StatusNotFound {
				t.Errorf("another agent: GET %s = %d", fmt.Sprintf(path, id), res.status)
			}
		}
	}
	if res := ben.get("/attachments/99999/file"); res.status != http.StatusNotFound {
		t.Errorf("missing file: %d", res.status)
	}
	if res := h.newBrowser(t).get(fmt.Sprintf("/attachments/%d/file", pdfID)); res.status != http.StatusSeeOther {
		t.Errorf("signed out: %d", res.status)
	}

	inline := ava.get(fmt.Sprintf("/attachments/%d/file", jpegID))
	if disposition, _, _ := mime.ParseMediaType(inline.header.Get("Content-Disposition")); inline.status != http.StatusOK || disposition != "inline" || inline.body != string(jpeg) {
		t.Errorf("image: %d %q", inline.status, inline.header.Get("Content-Disposition"))
	}
	saved := ava.get(fmt.Sprintf("/attachments/%d/file?download=1", jpegID))
	if disposition, _, _ := mime.ParseMediaType(saved.header.Get("Content-Disposition")); disposition != "attachment" {
		t.Errorf("Save as of an image: %q", saved.header.Get("Content-Disposition"))
	}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/attachments/%d/file", h.server.URL, pdfID), nil)
	req.Header.Set("Range", "bytes=10-19")
	if res := ava.do(req); res.status != http.StatusPartialContent || res.body != string(pdf[10:20]) {
		t.Errorf("range request: %d %q", res.status, res.body)
	}
}

// TestContactHistoryOffersOnlyVisibleFiles: an agent reading a contact's history sees the files of the
// interactions they handled as links, and only the names of files in interactions someone else handled; a
// supervisor gets every link.
func TestContactHistoryOffersOnlyVisibleFiles(t *testing.T) {
	h := newHarness(t)
	ava := h.loggedIn(t, "ava", auth.RoleAgent)
	ben := h.loggedIn(t, "ben", auth.RoleAgent)
	sue := h.loggedIn(t, "sue", auth.RoleSupervisor)
	first := h.activeInteraction(t, ava, "wamid.H1", "447700900005")
	if res := ava.uploadBytes(first.ID, "", "avas-file.pdf", mediatest.PDF(1000)); res.status != http.StatusOK {
		t.Fatalf("upload = %d", res.status)
	}
	codes, _ := h.store.Dispositions(context.Background(), true)
	if res := ava.htmx(fmt.Sprintf("/interactions/%d/done", first.ID), map[string][]string{"disposition": {fmt.Sprint(codes[0].ID)}}); res.status != http.StatusOK {
		t.Fatalf("done = %d %s", res.status, res.body)
	}
	second := h.activeInteraction(t, ben, "wamid.H2", "447700900005")
	if res := ben.uploadBytes(second.ID, "", "bens-file.pdf", mediatest.PDF(2000)); res.status != http.StatusOK {
		t.Fatalf("upload = %d", res.status)
	}
	page := ben.get(fmt.Sprintf("/contacts/%d", second.ContactID))
	if page.status != http.StatusOK {
		t.Fatalf("history = %d", page.status)
	}
	linked := map[string]bool{}
	page.testID("attachment").Each(func(_ int, a *goquery.Selection) {
		linked[strings.TrimSpace(a.Find("[data-testid=attachment-name]").Text())] = a.Find("[data-testid=attachment-save]").Length() == 1
	})
	if len(linked) != 2 || linked["avas-file.pdf"] || !linked["bens-file.pdf"] {
		t.Errorf("Ben's view of the history links %v; want only his own file linked", linked)
	}
	page = sue.get(fmt.Sprintf("/contacts/%d", second.ContactID))
	if n := page.testID("attachment-save").Length(); n != 2 {
		t.Errorf("the supervisor gets %d Save as links, want 2", n)
	}
}
