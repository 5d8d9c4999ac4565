package notify_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/internal/media"
	"switchboard/internal/notify"
	"switchboard/internal/options"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// registry is WhatsApp's template store as the service sees it.
type registry struct {
	templates map[string]whatsapp.TemplateDefinition // by name and language
	created   []string
	edited    []string
	refuse    *whatsapp.APIError
	down      bool
	// successOnly answers edits as Meta does, {"success":true} without a status.
	successOnly bool
}

func (r *registry) CreateTemplate(_ context.Context, waba string, d whatsapp.TemplateDefinition) (whatsapp.TemplateStatusReport, error) {
	if r.down {
		return whatsapp.TemplateStatusReport{}, &whatsapp.TransportError{Err: errors.New("connection refused")}
	}
	if r.refuse != nil {
		return whatsapp.TemplateStatusReport{}, r.refuse
	}
	key := d.Name + "/" + d.Language
	if _, taken := r.templates[key]; taken {
		return whatsapp.TemplateStatusReport{}, &whatsapp.APIError{HTTPStatus: 400, Code: 100, Subcode: 2388024, Title: "Invalid parameter"}
	}
	d.ID, d.Status = "id-"+d.Name, "PENDING"
	r.templates[key] = d
	r.created = append(r.created, key+"@"+waba)
	return whatsapp.TemplateStatusReport{ID: d.ID, Status: d.Status, Category: d.Category}, nil
}

func (r *registry) EditTemplate(_ context.Context, id string, d whatsapp.TemplateDefinition) (whatsapp.TemplateStatusReport, error) {
	r.edited = append(r.edited, id)
	if r.successOnly {
		return whatsapp.TemplateStatusReport{ID: id, Success: true}, nil
	}
	return whatsapp.TemplateStatusReport{ID: id, Status: "APPROVED", Success: true}, nil
}

func (r *registry) ListTemplates(context.Context, string) ([]whatsapp.TemplateDefinition, error) {
	var list []whatsapp.TemplateDefinition
	for _, t := range r.templates {
		list = append(list, t)
	}
	return list, nil
}

func newService(t *testing.T, r notify.TemplateRegistry) *notify.Service {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts, err := options.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	files, err := media.OpenFiles(filepath.Join(dir, "media"))
	if err != nil {
		t.Fatal(err)
	}
	return &notify.Service{Store: st, Options: opts, Files: files, Registry: r, BusinessAccountID: "102290129340398",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
}

// TestTemplateRegistration: saving a notification registers its template; one WhatsApp already has is
// found and edited; a refusal or an unreachable WhatsApp is recorded for the admin, not lost; at start,
// templates WhatsApp knows get its status and the others are registered.
func TestTemplateRegistration(t *testing.T) {
	ctx := context.Background()
	r := &registry{templates: map[string]whatsapp.TemplateDefinition{
		"thank_you_patience/en_US": {ID: "77", Name: "thank_you_patience", Language: "en_US", Status: "APPROVED"},
	}}
	s := newService(t, r)
	if err := s.SyncTemplates(ctx); err != nil {
		t.Fatal(err)
	}
	seeded, _ := s.Store.ResponseByTemplate(ctx, "thank_you_patience")
	if seeded.WATemplateID != "77" || seeded.WAStatus != "APPROVED" || len(r.created) != 0 {
		t.Errorf("known template after sync: %+v, created %v", seeded, r.created)
	}

	categories, _ := s.Store.ResponseCategories(ctx)
	in := notify.ResponseInput{CategoryID: categories[0].ID, Name: "Order update", Kind: notify.KindNotification, Active: true, Definition: notify.Definition{
		Template: &notify.Template{Name: "order_update", Language: "en", Category: "UTILITY", Body: "Order {{1}} shipped"}}}
	id, problems, err := s.SaveResponse(ctx, in)
	if err != nil || len(problems) > 0 {
		t.Fatalf("save: %v %v", err, problems)
	}
	saved, _ := s.Store.ResponseByID(ctx, id)
	if saved.WAStatus != "PENDING" || saved.WATemplateID != "id-order_update" || strings.Join(r.created, ",") != "order_update/en@102290129340398" {
		t.Errorf("registered %+v, created %v", saved, r.created)
	}
	in.ID = id
	if _, _, err := s.SaveResponse(ctx, in); err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.edited, ",") != "id-order_update" {
		t.Errorf("a saved template is edited, not created again: %v", r.edited)
	}

	// Created elsewhere already: found by name and language and edited.
	r.templates["promo/en"] = whatsapp.TemplateDefinition{ID: "55", Name: "promo", Language: "en", Status: "APPROVED"}
	in = notify.ResponseInput{CategoryID: categories[0].ID, Name: "Promo", Kind: notify.KindNotification, Active: true, Definition: notify.Definition{
		Template: &notify.Template{Name: "promo", Language: "en", Category: "MARKETING", Body: "Sale"}}}
	id, _, err = s.SaveResponse(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	promo, _ := s.Store.ResponseByID(ctx, id)
	if promo.WATemplateID != "55" || promo.WAStatus != "APPROVED" {
		t.Errorf("existing template not adopted: %+v", promo)
	}

	r.refuse = &whatsapp.APIError{HTTPStatus: 400, Code: 100, Title: "Invalid parameter", Details: "Body has too many variables"}
	in.Definition.Template.Name, in.Name = "refused", "Refused"
	id, _, err = s.SaveResponse(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	refused, _ := s.Store.ResponseByID(ctx, id)
	if refused.WAStatus != "" || refused.WADetail != "WhatsApp refused the template: Invalid parameter (Body has too many variables)." {
		t.Errorf("refusal recorded as %+v", refused)
	}
	r.refuse, r.down = nil, true
	if refused, _ = s.Register(ctx, id); !strings.Contains(refused.WADetail, "Could not reach WhatsApp") {
		t.Errorf("unreachable recorded as %q", refused.WADetail)
	}

	// A simulator that forgot everything gets every template again at the next start.
	r.down, r.templates, r.created = false, map[string]whatsapp.TemplateDefinition{}, nil
	if err := s.SyncTemplates(ctx); err != nil {
		t.Fatal(err)
	}
	if len(r.created) != 4 {
		t.Errorf("re-registered %v, want all four notifications", r.created)
	}

	none := newService(t, nil)
	if err := none.SyncTemplates(ctx); err != nil {
		t.Fatal(err)
	}
	if r, _ := none.Store.ResponseByTemplate(ctx, "thank_you_patience"); r.WADetail != notify.NotRegistered {
		t.Errorf("without an account: %q", r.WADetail)
	}
}

// TestTemplateEditKeepsStatus: an edit WhatsApp answers without a status leaves the status as WhatsApp
// last said it (its status webhook tells what the review of the edit decided), even when that webhook
// arrived first.
func TestTemplateEditKeepsStatus(t *testing.T) {
	ctx := context.Background()
	r := &registry{templates: map[string]whatsapp.TemplateDefinition{}, successOnly: true}
	s := newService(t, r)
	categories, _ := s.Store.ResponseCategories(ctx)
	in := notify.ResponseInput{CategoryID: categories[0].ID, Name: "Order update", Kind: notify.KindNotification, Active: true, Definition: notify.Definition{
		Template: &notify.Template{Name: "order_update", Language: "en", Category: "UTILITY", Body: "Order {{1}} shipped"}}}
	id, _, err := s.SaveResponse(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Store.ApplyTemplateReview(ctx, notify.Review(whatsapp.TemplateStatusChange{Event: "REJECTED", Reason: "INVALID_FORMAT",
		TemplateID: "id-order_update", Name: "order_update", Language: "en"})); err != nil {
		t.Fatal(err)
	}
	in.ID = id
	if _, _, err := s.SaveResponse(ctx, in); err != nil {
		t.Fatal(err)
	}
	edited, _ := s.Store.ResponseByID(ctx, id)
	if len(r.edited) != 1 || edited.WAStatus != "REJECTED" || !strings.Contains(edited.WADetail, "INVALID_FORMAT") || edited.WATemplateID != "id-order_update" {
		t.Errorf("after an edit answered without a status: %+v (edited %v)", edited, r.edited)
	}
	if _, _, err := s.Store.ApplyTemplateReview(ctx, notify.Review(whatsapp.TemplateStatusChange{Event: "APPROVED", Reason: "NONE",
		TemplateID: "id-order_update", Name: "order_update", Language: "en"})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, id); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Store.ResponseByID(ctx, id); again.WAStatus != "APPROVED" || again.WADetail != "" {
		t.Errorf("an approval that came first was overwritten: %+v", again)
	}
}
