package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/interaction"
	"switchboard/internal/notify"
	"switchboard/internal/options"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// TestReviewWordsTemplateNews: each event becomes the status WhatsApp's template list would show and a
// sentence with the event's meaning, the reason in Meta's words and in plain words, and what WhatsApp
// added (rejection details, pause titles).
func TestReviewWordsTemplateNews(t *testing.T) {
	at := time.Unix(1751247548, 0).UTC()
	base := whatsapp.TemplateStatusChange{TemplateID: "594425479261596", Name: "order_update", Language: "en_US", At: at}
	tests := []struct {
		name      string
		change    func(*whatsapp.TemplateStatusChange)
		status    string
		keep      bool
		detailHas []string
		noDetail  bool
	}{
		{"approved", func(c *whatsapp.TemplateStatusChange) { c.Event, c.Reason = "APPROVED", "NONE" }, "APPROVED", false, nil, true},
		{"rejected", func(c *whatsapp.TemplateStatusChange) {
			c.Event, c.Reason = "REJECTED", "INVALID_FORMAT"
			c.Rejection = &whatsapp.TemplateRejection{Reason: "Parameters are next to each other.", Recommendation: "Separate them with text."}
		}, "REJECTED", false, []string{"Rejected by WhatsApp (INVALID_FORMAT): its format is invalid.", "Parameters are next to each other. Separate them with text."}, false},
		{"rejected for a reason without words", func(c *whatsapp.TemplateStatusChange) { c.Event, c.Reason = "REJECTED", "NEW_REASON" }, "REJECTED", false, []string{"Rejected by WhatsApp (NEW_REASON)."}, false},
		{"rejected for abuse", func(c *whatsapp.TemplateStatusChange) { c.Event, c.Reason = "REJECTED", "ABUSIVE_CONTENT" }, "REJECTED", false, []string{"(ABUSIVE_CONTENT): its content breaks WhatsApp's policies."}, false},
		{"paused", func(c *whatsapp.TemplateStatusChange) {
			c.Event, c.Reason = "PAUSED", "NONE"
			c.Info = &whatsapp.TemplateStatusInfo{Title: "FIRST_PAUSE", Description: "Paused for 3 hours."}
		}, "PAUSED", false, []string{"Paused by WhatsApp", "FIRST_PAUSE: Paused for 3 hours."}, false},
		{"disabled", func(c *whatsapp.TemplateStatusChange) { c.Event = "DISABLED" }, "DISABLED", false, []string{"Disabled by WhatsApp"}, false},
		{"reinstated", func(c *whatsapp.TemplateStatusChange) { c.Event = "REINSTATED" }, "APPROVED", false, []string{"Reinstated"}, false},
		{"flagged", func(c *whatsapp.TemplateStatusChange) { c.Event = "FLAGGED" }, "FLAGGED", true, []string{"can still be sent"}, false},
		{"limit exceeded is news about the account", func(c *whatsapp.TemplateStatusChange) { c.Event = "LIMIT_EXCEEDED" }, "LIMIT_EXCEEDED", true, []string{"limit of templates"}, false},
		{"new event", func(c *whatsapp.TemplateStatusChange) { c.Event, c.Reason = "SOMETHING_NEW", "WHY" }, "SOMETHING_NEW", true, []string{"WhatsApp reported SOMETHING_NEW. Reason: WHY."}, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			change := base
			test.change(&change)
			review := notify.Review(change)
			if review.Status != test.status || review.KeepStatus != test.keep || review.At != at.UnixMilli() ||
				review.Name != "order_update" || review.Language != "en_US" || review.TemplateID != "594425479261596" {
				t.Errorf("review %+v", review)
			}
			if test.noDetail && review.Detail != "" {
				t.Errorf("detail %q, want none", review.Detail)
			}
			for _, want := range test.detailHas {
				if !strings.Contains(review.Detail, want) {
					t.Errorf("detail %q lacks %q", review.Detail, want)
				}
			}
		})
	}
}

// TestTemplateNotApprovedIsNotSent: a notification whose template WhatsApp has not approved opens in the
// editor with the reason and cannot be sent, neither chosen nor as the automatic notification after the
// response window; once approved again it goes. A template whose status is unknown here is let through.
func TestTemplateNotApprovedIsNotSent(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	s.Bus, s.Outbox = events.NewHub(), &kicks{}
	if problems, err := s.Options.Update(ctx, map[string]string{options.ResponseWindow: "3600"}, 0); err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
	agent, i := conversation(t, s, time.Now().Add(-2*time.Hour))
	patience, err := s.Store.ResponseByTemplate(ctx, "thank_you_patience")
	if err != nil {
		t.Fatal(err)
	}
	fill := func(key string) (string, bool) { return "Your parcel left today.", key == "body.1" }

	review := notify.Review(whatsapp.TemplateStatusChange{Event: "PAUSED", Reason: "NONE", Name: "thank_you_patience", Language: "en_US", TemplateID: "1",
		Info: &whatsapp.TemplateStatusInfo{Title: "FIRST_PAUSE", Description: "Paused for 3 hours."}})
	if _, _, err := s.Store.ApplyTemplateReview(ctx, review); err != nil {
		t.Fatal(err)
	}
	draft, err := s.Edit(ctx, agent, i.ID, patience.ID, fill, 0)
	if err != nil {
		t.Fatal(err)
	}
	if draft.Valid() || len(draft.Problems) != 1 || !strings.Contains(draft.Problems[0], "its template is PAUSED") || !strings.Contains(draft.Problems[0], "FIRST_PAUSE") {
		t.Errorf("draft problems %q", draft.Problems)
	}
	var draftError *notify.DraftError
	if _, err := s.SendResponse(ctx, agent, i.ID, patience.ID, fill, 0); !errors.As(err, &draftError) {
		t.Errorf("sending a paused template: %v", err)
	}
	var inputError *interaction.InputError
	if _, err := s.SendComposer(ctx, agent, i.ID, "Your parcel left today.", nil); !errors.As(err, &inputError) || !strings.Contains(inputError.Message, "PAUSED") {
		t.Errorf("automatic notification with a paused template: %v", err)
	}
	if n, _ := s.Store.OutboxLength(ctx); n != 0 {
		t.Errorf("%d messages queued", n)
	}
	if got := notify.Unsendable(store.Response{Kind: notify.KindNotification, WAStatus: "REJECTED", WADetail: "Rejected by WhatsApp (SCAM)."}); !strings.Contains(got, "REJECTED") || !strings.Contains(got, "(SCAM)") {
		t.Errorf("unsendable %q", got)
	}
	for _, status := range []string{"", "APPROVED"} {
		if got := notify.Unsendable(store.Response{Kind: notify.KindNotification, WAStatus: status}); got != "" {
			t.Errorf("status %q: %q", status, got)
		}
	}

	if _, _, err := s.Store.ApplyTemplateReview(ctx, notify.Review(whatsapp.TemplateStatusChange{Event: "REINSTATED", Name: "thank_you_patience", Language: "en_US", TemplateID: "1"})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendResponse(ctx, agent, i.ID, patience.ID, fill, 0); err != nil {
		t.Errorf("reinstated template: %v", err)
	}
}
