package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"switchboard/internal/auth"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/notify"
	"switchboard/store"
)

// upload posts a file as htmx posts a multipart form.
func (b *browser) uploadForm(path, filename string, content []byte, fields url.Values) response {
	b.t.Helper()
	req := b.multipartRequest(path, filename, content, fields)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.cookie(csrfCookieName))
	return b.do(req)
}

// submitFileForm posts a file as a browser submits a plain form, the CSRF token among the fields.
func (b *browser) submitFileForm(path, filename string, content []byte) response {
	b.t.Helper()
	return b.do(b.multipartRequest(path, filename, content, url.Values{"_csrf": {b.cookie(csrfCookieName)}}))
}

func (b *browser) multipartRequest(path, filename string, content []byte, fields url.Values) *http.Request {
	b.t.Helper()
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	for name, values := range fields {
		for _, v := range values {
			_ = form.WriteField(name, v)
		}
	}
	part, _ := form.CreateFormFile("file", filename)
	part.Write(content)
	form.Close()
	req, err := http.NewRequest(http.MethodPost, b.h.server.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", form.FormDataContentType())
	return req
}

func (h *harness) response(t testing.TB, r store.Response) int64 {
	t.Helper()
	ctx := context.Background()
	if r.CategoryID == 0 {
		categories, err := h.store.ResponseCategories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r.CategoryID = categories[0].ID
	}
	r.Active = true
	id, err := h.store.CreateResponse(ctx, r, 1)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

var pngFile = mediatest.PNG(8, 8)

// TestReplyButtonFilePermission: only agents granted "WhatsApp - Can Change Attachments in Reply Button"
// may replace the file of a reply-button message's header; the editor offers the upload only to them and
// the server refuses it to the others.
func TestReplyButtonFilePermission(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	i := h.activeInteraction(t, agent, "wamid.buttons", "16505551234")
	file, err := h.notify.Upload(context.Background(), store.User{}, "dress.png", bytes.NewReader(pngFile), "")
	if err != nil {
		t.Fatal(err)
	}
	definition := notify.Definition{Buttons: &notify.ReplyButtons{Header: notify.Header{Format: notify.HeaderImage, FileID: file.ID}, Body: "Like it?", Buttons: []string{"Yes", "No"}}}
	id := h.response(t, store.Response{Name: "Dress", Kind: notify.KindButtons, Definition: definition.Encode()})
	editor := fmt.Sprintf("/interactions/%d/responses/%d/editor", i.ID, id)
	upload := fmt.Sprintf("/interactions/%d/responses/%d/header", i.ID, id)

	page := agent.get(editor)
	if page.status != http.StatusOK || page.testID("editor-header-upload").Length() != 0 || !strings.Contains(page.text("editor-header-file"), "You may not change this file") {
		t.Fatalf("editor without the permission: %d\n%s", page.status, page.body)
	}
	if res := agent.uploadForm(upload, "other.png", pngFile, nil); res.status != http.StatusForbidden {
		t.Errorf("upload without the permission = %d", res.status)
	}
	// A file id the agent did not upload cannot be slipped in either.
	res := agent.htmx(fmt.Sprintf("/interactions/%d/responses/%d/send", i.ID, id), url.Values{"header_file_id": {"999"}})
	if res.status != http.StatusUnprocessableEntity || h.count(t, "messages", "direction = 'out'") != 0 {
		t.Errorf("send with a foreign header file = %d, %d messages", res.status, h.count(t, "messages", "direction = 'out'"))
	}

	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	form := url.Values{"display_name": {"Alice"}, "role": {"agent"}, "active": {"true"}, "permission": {auth.PermChangeReplyButtonAttachment, "made.up"}}
	if res := admin.post(fmt.Sprintf("/admin/users/%d", agent.user.ID), form); res.status != http.StatusSeeOther {
		t.Fatalf("grant = %d %s", res.status, res.body)
	}
	if granted, _ := h.store.UserPermissions(context.Background(), agent.user.ID); len(granted) != 1 || granted[0] != auth.PermChangeReplyButtonAttachment {
		t.Fatalf("granted %v", granted)
	}
	users := admin.get("/admin/users")
	if checked := users.doc.Find(`[data-username=alice] [data-testid=user-permission]`).AttrOr("checked", "no"); checked == "no" {
		t.Error("the users page does not show the permission as granted")
	}

	page = agent.get(editor)
	if page.testID("editor-header-upload").Length() != 1 {
		t.Fatalf("editor with the permission offers no upload:\n%s", page.body)
	}
	res = agent.uploadForm(upload, "notes.pdf", []byte("%PDF-1.7"), nil)
	if res.status != http.StatusOK || !strings.Contains(res.body, "The header shows a image; notes.pdf is not one.") {
		t.Errorf("a PDF for an image header: %d\n%s", res.status, res.body)
	}
	res = agent.uploadForm(upload, "blue.png", pngFile, url.Values{"header_file_id": {fmt.Sprint(file.ID)}})
	if res.status != http.StatusOK || res.doc.Find(`[data-testid=editor-header-file-name]`).Text() != "blue.png" {
		t.Fatalf("upload with the permission: %d\n%s", res.status, res.body)
	}
	chosen := res.doc.Find(`input[name=header_file_id]`).AttrOr("value", "")
	res = agent.htmx(fmt.Sprintf("/interactions/%d/responses/%d/send", i.ID, id), url.Values{"header_file_id": {chosen},
		"f.body": {"Like it?"}, "f.button1": {"Yes"}, "f.button2": {"No"}})
	if res.status != http.StatusOK || res.testID("rich-message").Length() != 1 {
		t.Fatalf("send = %d\n%s", res.status, res.body)
	}
	var payload string
	if err := h.store.DB().QueryRow(`SELECT payload FROM messages WHERE direction = 'out'`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	content, ok := notify.DecodeContent(payload)
	if !ok || content.FileID == file.ID || content.FileID == 0 || content.Message.Interactive.Header.Type != "image" {
		t.Errorf("sent content %+v", content)
	}
}

// TestEditorAccess: the editor, its preview and Send answer only the agent who holds the interaction.
func TestEditorAccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.loggedIn(t, "alice", auth.RoleAgent)
	bob := h.loggedIn(t, "bob", auth.RoleAgent)
	i := h.activeInteraction(t, alice, "wamid.access", "16505551234")
	patience, err := h.store.ResponseByTemplate(context.Background(), "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/interactions/%d/responses/%d", i.ID, patience.ID)
	if res := bob.get(base + "/editor"); res.status != http.StatusNotFound {
		t.Errorf("bob opens alice's editor: %d", res.status)
	}
	if res := bob.htmx(base+"/send", url.Values{"f.body.1": {"hi"}}); res.status != http.StatusNotFound {
		t.Errorf("bob sends in alice's interaction: %d", res.status)
	}
	if res := bob.get(fmt.Sprintf("/interactions/%d/responses", i.ID)); res.status != http.StatusNotFound {
		t.Errorf("bob lists responses of alice's interaction: %d", res.status)
	}
	if res := alice.get(fmt.Sprintf("/interactions/%d/responses/%d/editor", i.ID, 9999)); res.status != http.StatusNotFound {
		t.Errorf("unknown response: %d", res.status)
	}
	res := alice.htmx(base+"/preview", url.Values{"f.body.1": {""}})
	if res.status != http.StatusOK || res.testID("editor-send").AttrOr("disabled", "no") == "no" {
		t.Errorf("preview of an empty parameter: %d, Send not disabled\n%s", res.status, res.body)
	}
	if got := res.doc.Find(`[data-testid=editor-field-error][hx-swap-oob]`).Text(); got != "Body {{1}} · Your message: fill this in." {
		t.Errorf("field error %q", got)
	}
	if h.count(t, "messages", "direction = 'out'") != 0 {
		t.Error("a preview sent something")
	}
	if res := alice.get("/admin/responses"); res.status != http.StatusForbidden {
		t.Errorf("an agent opens the library admin: %d", res.status)
	}
}

// TestComposerAttachments: a response's files go after the text, one message each, in one transaction;
// a file that is neither in the library nor the agent's own is refused and nothing is sent.
func TestComposerAttachments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.loggedIn(t, "alice", auth.RoleAgent)
	i := h.activeInteraction(t, alice, "wamid.files", "16505551234")
	id := h.response(t, store.Response{Name: "Terms", Kind: notify.KindText, Body: "Our terms"})
	terms, err := h.notify.AddAttachment(context.Background(), id, "terms.pdf", bytes.NewReader(mediatest.PDF(1000)))
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := h.notify.Upload(context.Background(), store.User{}, "secret.pdf", bytes.NewReader(mediatest.PDF(1000)), "")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/interactions/%d/messages", i.ID)
	res := alice.htmx(path, url.Values{"text": {"Our terms"}, "attachment": {fmt.Sprint(terms.ID), fmt.Sprint(stranger.ID)}})
	if res.status != http.StatusUnprocessableEntity || res.text("composer-error") != "An attachment is no longer available; remove it." {
		t.Fatalf("foreign file: %d %q", res.status, res.text("composer-error"))
	}
	if res.testID("composer-attachment").Length() != 2 || res.testID("composer-text").Text() != "Our terms" {
		t.Error("the refused composer lost what was typed or attached")
	}
	if h.count(t, "messages", "direction = 'out'") != 0 {
		t.Fatal("something was sent")
	}
	res = alice.htmx(path, url.Values{"text": {"Our terms"}, "attachment": {fmt.Sprint(terms.ID)}})
	if res.status != http.StatusOK || res.testID("message").Length() != 2 {
		t.Fatalf("send: %d\n%s", res.status, res.body)
	}
	rows, err := h.store.DB().Query(`SELECT kind, body, media_filename FROM messages WHERE direction = 'out' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var kind, body, name string
		rows.Scan(&kind, &body, &name)
		got = append(got, kind+":"+body+name)
	}
	if strings.Join(got, ",") != "text:Our terms,document:terms.pdf" || h.count(t, "outbox") != 2 {
		t.Errorf("stored %v with %d outbox rows", got, h.count(t, "outbox"))
	}
}

// TestResponseAdmin: admins create and edit responses; a form with problems changes nothing and says what
// is wrong where; a notification records that it is not registered when no account is configured.
func TestResponseAdmin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	categories, _ := h.store.ResponseCategories(context.Background())
	category := fmt.Sprint(categories[0].ID)
	if res := admin.get("/admin/responses/new?kind=notification&name=Promo&category=" + category); res.status != http.StatusOK || res.testID("template-name").Length() != 1 {
		t.Fatalf("new notification form: %d", res.status)
	}
	bad := url.Values{"kind": {"notification"}, "name": {"Promo"}, "category": {category}, "shortcut": {"Promo Code"}, "template_name": {"Promo"},
		"language": {"en_US"}, "template_category": {"MARKETING"}, "header_format": {"text"}, "header_text": {"{{1}} and {{2}}"}, "body": {"Save {{2}} today"},
		"button1_type": {"quick_reply"}, "button1_text": {"A much too long button text"}}
	res := admin.post("/admin/responses", bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form = %d", res.status)
	}
	errors := res.text("response-errors")
	for _, want := range []string{"lower-case letters, digits and _", "at most one parameter", "{{1}} is missing", "at most 20", "A shortcut is 1 to 30"} {
		if !strings.Contains(errors, want) {
			t.Errorf("errors lack %q:\n%s", want, errors)
		}
	}
	if res.testID("template-body").Text() != "Save {{2}} today" {
		t.Error("what was typed is not kept")
	}
	if h.count(t, "responses", "name = 'Promo'") != 0 {
		t.Fatal("a refused form stored a response")
	}
	good := url.Values{"kind": {"notification"}, "name": {"Promo"}, "category": {category}, "shortcut": {"promo"}, "template_name": {"promo"},
		"language": {"en_US"}, "template_category": {"MARKETING"}, "header_format": {"text"}, "header_text": {"Hi {{1}}"}, "body": {"Save {{1}} today"},
		"button1_type": {"quick_reply"}, "button1_text": {"Yes please"}, "active": {"true"}}
	res = admin.post("/admin/responses", good)
	if res.status != http.StatusSeeOther {
		t.Fatalf("good form = %d\n%s", res.status, res.body)
	}
	page := admin.get(res.header.Get("Location"))
	if page.testID("response-saved").Length() != 1 || !strings.Contains(page.text("template-status"), "Not registered") {
		t.Errorf("saved page:\n%s", page.text("template-status"))
	}
	if page.doc.Find(`[data-testid=template-parameter]`).Length() != 2 {
		t.Errorf("parameters listed: %d", page.doc.Find(`[data-testid=template-parameter]`).Length())
	}
	r, err := h.store.ResponseByTemplate(context.Background(), "promo")
	if err != nil {
		t.Fatal(err)
	}
	edit := url.Values{}
	for k, v := range good {
		edit[k] = v
	}
	edit.Set("param.body.1.label", "Discount")
	edit.Set("param.body.1.example", "20%")
	edit.Set("param.header.1.field", "contact.first_name")
	if res := admin.post(fmt.Sprintf("/admin/responses/%d", r.ID), edit); res.status != http.StatusSeeOther {
		t.Fatalf("edit = %d\n%s", res.status, res.body)
	}
	definition, _ := h.store.ResponseByID(context.Background(), r.ID)
	d, _ := notify.ParseDefinition(definition.Kind, definition.Definition)
	if d.Template.Parameters["body.1"].Label != "Discount" || d.Template.Parameters["header.1"].Field != "contact.first_name" {
		t.Errorf("parameters %+v", d.Template.Parameters)
	}
	if res := admin.uploadForm(fmt.Sprintf("/admin/responses/%d/attachments", r.ID), "a.pdf", []byte("%PDF-1.7"), url.Values{"_csrf": {admin.cookie(csrfCookieName)}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Only text responses have attachments") {
		t.Errorf("attachment on a notification: %d", res.status)
	}
}

// TestResponseFileUpload: a file an admin attaches to a response is kept in media storage under its
// SHA-256 and only described in the database; a refused one leaves neither a file nor a row, and the page
// says why.
func TestResponseFileUpload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	id := h.response(t, store.Response{Name: "Terms", Kind: notify.KindText, Body: "Our terms"})
	path := fmt.Sprintf("/admin/responses/%d/attachments", id)

	res := admin.submitFileForm(path, "evil.pdf", mediatest.HTML())
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Its name says PDF, but its content is an HTML document.") {
		t.Errorf("HTML named .pdf: %d\n%s", res.status, res.body)
	}
	if n := h.count(t, "outbound_files"); n != 0 {
		t.Errorf("the refused file left %d rows", n)
	}
	if left, _ := os.ReadDir(h.media.TempDir()); len(left) != 0 {
		t.Errorf("the refused file left %d files in tmp/", len(left))
	}

	pdf := mediatest.PDF(200_000)
	if res := admin.submitFileForm(path, "terms.pdf", pdf); res.status != http.StatusSeeOther {
		t.Fatalf("upload = %d\n%s", res.status, res.body)
	}
	response, err := h.store.ResponseByID(context.Background(), id)
	if err != nil || len(response.Attachments) != 1 {
		t.Fatalf("attachments %+v %v", response.Attachments, err)
	}
	file := response.Attachments[0]
	stored, err := h.media.Open(file.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	if content, _ := io.ReadAll(stored); file.Filename != "terms.pdf" || file.MIME != "application/pdf" || !bytes.Equal(content, pdf) {
		t.Errorf("stored %+v with %d bytes", file, len(content))
	}
	if page := admin.get(fmt.Sprintf("/admin/responses/%d", id)); page.text("response-attachment") == "" || !strings.Contains(page.text("response-attachment"), "terms.pdf") {
		t.Errorf("edit page lists %q", page.text("response-attachment"))
	}
}
