package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestMigrationSeedsDefaultNotification: the option whatsappsession.default-notification names a template
// that exists from the first start.
func TestMigrationSeedsDefaultNotification(t *testing.T) {
	s := openTestStore(t)
	r, err := s.ResponseByTemplate(context.Background(), "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != ResponseNotification || r.TemplateLanguage != "en_US" || r.CategoryName != "Notifications" || !r.Active {
		t.Errorf("seeded notification %+v", r)
	}
}

// TestResponsesLibrary: responses are listed by category, searched by name, shortcut and text, filtered by
// kind; shortcuts and template names are unique; attachments come in order with their metadata only.
func TestResponsesLibrary(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	greetings, err := s.CreateResponseCategory(ctx, "Greetings")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateResponseCategory(ctx, "greetings"); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate category: %v, want ErrConflict", err)
	}
	hello, err := s.CreateResponse(ctx, Response{CategoryID: greetings, Name: "Hello", Kind: ResponseText, Shortcut: "hi", Body: "Hello {contact.first_name} 100%", Active: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateResponse(ctx, Response{CategoryID: greetings, Name: "Hi again", Kind: ResponseText, Shortcut: "HI", Body: "x", Active: true}, 10); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate shortcut: %v, want ErrConflict", err)
	}
	if _, err := s.CreateResponse(ctx, Response{CategoryID: greetings, Name: "Patience 2", Kind: ResponseNotification, TemplateName: "thank_you_patience", TemplateLanguage: "en_US", Active: true}, 10); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate template: %v, want ErrConflict", err)
	}
	retired, err := s.CreateResponse(ctx, Response{CategoryID: greetings, Name: "Old hello", Kind: ResponseText, Body: "Howdy", Active: false}, 10)
	if err != nil {
		t.Fatal(err)
	}
	pdfSum := strings.Repeat("a", 64)
	first, err := s.SaveResponseFile(ctx, hello, OutboundFile{Filename: "terms.pdf", MIME: "application/pdf", Size: 6, SHA256: pdfSum, CreatedAt: 11})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.SaveResponseFile(ctx, hello, OutboundFile{Filename: "map.png", MIME: "image/png", Size: 3, SHA256: strings.Repeat("b", 64), CreatedAt: 12})
	if err != nil {
		t.Fatal(err)
	}

	all, err := s.ListResponses(ctx, false, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Name != "Thank you for your patience" || all[1].Name != "Hello" || all[2].ID != retired {
		t.Fatalf("list order %+v", all)
	}
	if got := all[1].Attachments; len(got) != 2 || got[0].ID != first.ID || got[1].ID != second.ID || got[0].SHA256 != pdfSum || got[1].Size != 3 {
		t.Errorf("attachments %+v", got)
	}
	for query, want := range map[string]int{"hel": 1, "100%": 1, "%": 1, "l_o": 0, "hi": 1, "patience": 1, "zzz": 0} {
		found, err := s.ListResponses(ctx, true, "", query)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != want {
			t.Errorf("search %q found %d, want %d", query, len(found), want)
		}
	}
	notifications, err := s.ListResponses(ctx, true, ResponseNotification, "")
	if err != nil || len(notifications) != 1 {
		t.Errorf("notifications %v %v", notifications, err)
	}
	if file, err := s.OutboundFileByID(ctx, first.ID); err != nil || file != first {
		t.Errorf("file %+v %v, want %+v", file, err, first)
	}
	if n, _ := s.CountFilesWithContent(ctx, pdfSum); n != 1 {
		t.Errorf("CountFilesWithContent = %d", n)
	}
	if ok, _ := s.IsResponseAttachment(ctx, first.ID); !ok {
		t.Error("attachment not recognised")
	}
	if err := s.DetachFromResponse(ctx, hello, first.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.IsResponseAttachment(ctx, first.ID); ok {
		t.Error("detached file still an attachment")
	}
	if err := s.DeleteResponseCategory(ctx, greetings); !errors.Is(err, ErrConflict) {
		t.Errorf("deleting a category in use: %v", err)
	}
	if err := s.DeleteResponse(ctx, hello); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM response_attachments WHERE response_id = ?`, hello); n != 0 {
		t.Errorf("%d attachment links left", n)
	}
	if _, err := s.SetTemplateStatus(ctx, all[0].ID, "1234", "APPROVED", "", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetTemplateStatus(ctx, all[0].ID, "", "REJECTED", "bad", 0); err != nil {
		t.Fatal(err)
	}
	r, _ := s.ResponseByID(ctx, all[0].ID)
	if r.WATemplateID != "1234" || r.WAStatus != "REJECTED" || r.WADetail != "bad" {
		t.Errorf("template status %+v", r)
	}
}

// TestPermissions: permissions are granted per user and replaced as a whole.
func TestPermissions(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ava := mustUser(t, s, "ava")
	if err := s.SetUserPermissions(ctx, ava, []string{"b", "a", "a"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.UserPermissions(ctx, ava); len(got) != 2 || got[0] != "a" {
		t.Errorf("permissions %v", got)
	}
	if ok, _ := s.HasPermission(ctx, ava, "b"); !ok {
		t.Error("b not granted")
	}
	if err := s.SetUserPermissions(ctx, ava, nil); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.HasPermission(ctx, ava, "b"); ok {
		t.Error("b still granted")
	}
}

// TestCustomerWindowStart: the window starts at the customer's latest message to that number, across
// interactions, by when they wrote it (but never in the future), ignoring outbound and system lines.
func TestCustomerWindowStart(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	i := mustInteraction(t, s, "447700900001")
	if at, _ := s.CustomerWindowStart(ctx, i.ContactID, testPhoneNumberID); at != 0 {
		t.Errorf("no messages: %d", at)
	}
	in := func(wamid string, originated, received int64, kind string) {
		mustInsertMessage(t, s, Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: testPhoneNumberID, Direction: DirectionIn,
			Kind: kind, WAMID: wamid, Status: StatusReceived, OriginatedAt: originated, ReceivedAt: received, StatusAt: received})
	}
	in("w1", 1000, 5000, "text")
	in("w2", 9000, 7000, "text") // the phone's clock is ahead: arrival counts
	in("w3", 99000, 99000, "system")
	in("w5", 6000, 8000, "text") // arrives last, but was written before w2: w2 still opened the window
	out := outboundMessage(i, "w4", StatusSent)
	out.ReceivedAt = 50000
	mustInsertMessage(t, s, out)
	if at, _ := s.CustomerWindowStart(ctx, i.ContactID, testPhoneNumberID); at != 7000 {
		t.Errorf("window start %d, want 7000", at)
	}
	if at, _ := s.CustomerWindowStart(ctx, i.ContactID, "other-number"); at != 0 {
		t.Errorf("other number: %d", at)
	}
	// Read on every render: it must be one index step, not a walk through the contact's history.
	var plan, detail string
	var id, parent, unused int
	rows, err := s.DB().QueryContext(ctx, `EXPLAIN QUERY PLAN `+customerWindowQuery, i.ContactID, testPhoneNumberID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan += detail + "\n"
	}
	rows.Close()
	if !strings.Contains(plan, "messages_customer_window") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("query plan:\n%s", plan)
	}
}

// TestApplyTemplateReview: WhatsApp's news about a template is recorded on the notification registered as
// it, found by name and language (or, failing that, by WhatsApp's id); the same news twice changes
// nothing, older news does not undo newer, news that keeps the status changes only the detail, and a
// template no notification is gives ErrNotFound.
func TestApplyTemplateReview(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	seeded, err := s.ResponseByTemplate(ctx, "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetTemplateStatus(ctx, seeded.ID, "", "APPROVED", "", 0); err != nil {
		t.Fatal(err)
	}
	apply := func(review TemplateReview) (Response, bool) {
		t.Helper()
		r, changed, err := s.ApplyTemplateReview(ctx, review)
		if err != nil {
			t.Fatalf("apply %+v: %v", review, err)
		}
		stored, err := s.ResponseByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.WAStatus != r.WAStatus || stored.WADetail != r.WADetail || stored.WATemplateID != r.WATemplateID {
			t.Errorf("returned %+v, stored %+v", r, stored)
		}
		return r, changed
	}

	rejected := TemplateReview{TemplateID: "594425479261596", Name: "thank_you_patience", Language: "en-US", Status: "REJECTED",
		Detail: "Rejected by WhatsApp (INVALID_FORMAT).", At: 2000}
	r, changed := apply(rejected)
	if !changed || r.ID != seeded.ID || r.WAStatus != "REJECTED" || r.WADetail != rejected.Detail || r.WATemplateID != "594425479261596" {
		t.Errorf("rejection recorded as %+v (changed %v)", r, changed)
	}
	if _, changed := apply(rejected); changed {
		t.Error("the same news twice changed something")
	}
	if r, changed := apply(TemplateReview{Name: "thank_you_patience", Language: "en_US", Status: "PENDING", At: 1000}); changed || r.WAStatus != "REJECTED" {
		t.Errorf("older news undid newer: %+v", r)
	}
	if r, changed := apply(TemplateReview{Name: "thank_you_patience", Language: "en_US", Status: "APPROVED", At: 3000}); !changed || r.WAStatus != "APPROVED" || r.WADetail != "" {
		t.Errorf("approval recorded as %+v", r)
	}
	if r, _ := apply(TemplateReview{Name: "thank_you_patience", Language: "en_US", KeepStatus: true, Detail: "Flagged.", At: 4000}); r.WAStatus != "APPROVED" || r.WADetail != "Flagged." {
		t.Errorf("flag recorded as %+v", r)
	}
	// Renamed here since: still found by the id WhatsApp gave it, and news without a time always applies.
	mustExec(t, s, `UPDATE responses SET template_name = 'thanks', active = 0 WHERE id = ?`, seeded.ID)
	if r, changed := apply(TemplateReview{TemplateID: "594425479261596", Name: "thank_you_patience", Language: "en_US", Status: "PAUSED", Detail: "Paused."}); !changed || r.WAStatus != "PAUSED" {
		t.Errorf("found by id: %+v", r)
	}
	if _, _, err := s.ApplyTemplateReview(ctx, TemplateReview{TemplateID: "1", Name: "unknown", Language: "en", Status: "APPROVED"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown template: %v, want ErrNotFound", err)
	}
	if _, _, err := s.ApplyTemplateReview(ctx, TemplateReview{Name: "unknown", Language: "en", Status: "APPROVED"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown template without an id: %v, want ErrNotFound", err)
	}
	text, err := s.CreateResponse(ctx, Response{CategoryID: seeded.CategoryID, Name: "Not a template", Kind: ResponseText, Body: "x", TemplateName: "thanks", TemplateLanguage: "en_US", Active: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r, _, _ := s.ApplyTemplateReview(ctx, TemplateReview{Name: "thanks", Language: "en_US", Status: "APPROVED"}); r.ID == text {
		t.Error("a text response was taken for a template")
	}
}

// TestTemplateStatusAnswerDoesNotUndoNewerWebhook: WhatsApp's answer to a create or a list describes the
// template as it was when Switchboard asked; a status webhook applied after that time is newer and stands.
func TestTemplateStatusAnswerDoesNotUndoNewerWebhook(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	seeded, err := s.ResponseByTemplate(ctx, "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	// Asked at 1000; the approval webhook (triggered at 2000) is stored before the answer "PENDING".
	if _, _, err := s.ApplyTemplateReview(ctx, TemplateReview{TemplateID: "77", Name: "thank_you_patience", Language: "en_US", Status: "APPROVED", At: 2000}); err != nil {
		t.Fatal(err)
	}
	applied, err := s.SetTemplateStatus(ctx, seeded.ID, "77", "PENDING", "", 1000)
	if err != nil || applied {
		t.Fatalf("an answer older than the webhook was applied: %v %v", applied, err)
	}
	if r, _ := s.ResponseByID(ctx, seeded.ID); r.WAStatus != "APPROVED" {
		t.Errorf("status %q, want the webhook's APPROVED", r.WAStatus)
	}
	// Asked later (a sync at start): the answer is the newest news and is applied, and an older webhook
	// delivered again afterwards changes nothing.
	if applied, err := s.SetTemplateStatus(ctx, seeded.ID, "77", "PAUSED", "", 5000); err != nil || !applied {
		t.Fatalf("a newer answer was not applied: %v %v", applied, err)
	}
	if _, changed, err := s.ApplyTemplateReview(ctx, TemplateReview{TemplateID: "77", Name: "thank_you_patience", Language: "en_US", Status: "APPROVED", At: 2000}); err != nil || changed {
		t.Errorf("a redelivered old webhook changed the status: %v %v", changed, err)
	}
	if r, _ := s.ResponseByID(ctx, seeded.ID); r.WAStatus != "PAUSED" {
		t.Errorf("status %q, want PAUSED", r.WAStatus)
	}
}
