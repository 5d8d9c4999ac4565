package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"switchboard/internal/auth"
	"switchboard/internal/interaction"
	"switchboard/internal/options"
	"switchboard/store"
)

// storedOption is the value the options table holds for name ("" when never set).
func (h *harness) storedOption(t testing.TB, name string) string {
	t.Helper()
	values, err := h.store.OptionValues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return values[name]
}

func TestSettingsUpdate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	tests := []struct {
		name    string
		form    url.Values
		invalid []string // options whose error must show
	}{
		{
			name:    "not a number, with a valid change beside it",
			form:    url.Values{options.MaxTextMessageSize: {"abc"}, options.OfferTimeout: {"45"}, options.AutoAnswer: {"true"}},
			invalid: []string{options.MaxTextMessageSize},
		},
		{
			name:    "out of range",
			form:    url.Values{options.MaxTextMessageSize: {"0"}, options.OfferTimeout: {"45"}},
			invalid: []string{options.MaxTextMessageSize},
		},
		{
			name:    "two bad values",
			form:    url.Values{options.OfferTimeout: {"1"}, options.AutoAnswer: {"maybe"}, options.ReadyAtLogin: {"true"}},
			invalid: []string{options.OfferTimeout, options.AutoAnswer},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := admin.post("/admin/settings", test.form)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", res.status)
			}
			if res.testID("settings-error").Length() != 1 || res.testID("settings-saved").Length() != 0 {
				t.Error("the page does not say nothing was saved")
			}
			if got := res.testID("option-error").Length(); got != len(test.invalid) {
				t.Errorf("%d option errors shown, want %d", got, len(test.invalid))
			}
			for _, name := range test.invalid {
				row := res.doc.Find(`[data-testid="option"][data-option="` + name + `"]`)
				if strings.TrimSpace(row.Find(`[data-testid="option-error"]`).Text()) == "" {
					t.Errorf("no error next to %s", name)
				}
			}
			// What was typed stays in the form, so the admin can fix it.
			for name, values := range test.form {
				input := res.doc.Find(`[data-testid="option"][data-option="` + name + `"] input[data-testid="option-input"]`)
				if input.Length() == 1 && input.AttrOr("value", "") != values[0] {
					t.Errorf("%s shows %q, want what was typed, %q", name, input.AttrOr("value", ""), values[0])
				}
			}
			for name := range test.form {
				if !h.options.IsDefault(name) || h.storedOption(t, name) != "" {
					t.Errorf("%s changed to %q (stored %q) although the form was refused", name, h.options.Raw(name), h.storedOption(t, name))
				}
			}
		})
	}

	res := admin.post("/admin/settings", url.Values{options.MaxTextMessageSize: {" 2048 "}, options.OfferTimeout: {"45"}})
	if res.status != http.StatusOK || res.testID("settings-saved").Length() != 1 {
		t.Fatalf("valid settings = %d\n%s", res.status, res.text("settings-error"))
	}
	if got := h.options.Int(options.MaxTextMessageSize); got != 2048 {
		t.Errorf("max size in effect = %d", got)
	}
	if got := h.storedOption(t, options.OfferTimeout); got != "45" {
		t.Errorf("stored offer timeout = %q", got)
	}
	reloaded, err := options.Load(context.Background(), h.store)
	if err != nil {
		t.Fatal(err)
	}
	if reloaded.Int(options.MaxTextMessageSize) != 2048 || reloaded.Int(options.OfferTimeout) != 45 {
		t.Error("saved settings do not survive a restart")
	}
	if got := res.doc.Find(`[data-option="`+options.MaxTextMessageSize+`"] [data-testid="option-input"]`).AttrOr("value", ""); got != "2048" {
		t.Errorf("page shows %q after saving", got)
	}
}

func TestMessageSend(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	i := h.activeInteraction(t, agent, "wamid.send", "16505551234")
	if problems, err := h.options.Update(context.Background(), map[string]string{options.MaxTextMessageSize: "20"}, 0); err != nil || len(problems) > 0 {
		t.Fatalf("set max size: %v %v", problems, err)
	}
	path := fmt.Sprintf("/interactions/%d/messages", i.ID)
	tests := []struct {
		name      string
		text      string
		wantError string
	}{
		{"one byte over", strings.Repeat("a", 21), interaction.TooLongMessage(21, 20)},
		{"multi-byte characters counted in bytes", "héllo wörld ünïcödé!", interaction.TooLongMessage(len("héllo wörld ünïcödé!"), 20)},
		{"empty", "   ", "Type a message first."},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := agent.htmx(path, url.Values{"text": {test.text}})
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", res.status)
			}
			if got := res.testID("composer-text").Text(); got != test.text {
				t.Errorf("composer text = %q, want what was typed, %q", got, test.text)
			}
			if got := res.text("composer-error"); got != test.wantError {
				t.Errorf("error = %q, want %q", got, test.wantError)
			}
			if got := h.count(t, "messages", "direction = 'out'"); got != 0 {
				t.Errorf("%d outbound messages stored", got)
			}
			if got := h.count(t, "outbox"); got != 0 {
				t.Errorf("%d outbox rows", got)
			}
		})
	}

	text := strings.Repeat("b", 20)
	res := agent.htmx(path, url.Values{"text": {text}})
	if res.status != http.StatusOK {
		t.Fatalf("at the limit: status = %d (%s)", res.status, res.body)
	}
	if got := res.testID("composer-text").Text(); got != "" {
		t.Errorf("composer not emptied after sending: %q", got)
	}
	if got := res.text("message-text"); got != text {
		t.Errorf("appended message = %q", got)
	}
	if got := res.testID("message-status").AttrOr("data-status", ""); got != store.StatusQueued {
		t.Errorf("appended message status = %q, want queued", got)
	}
	if h.count(t, "messages", "direction = 'out'", "status = 'queued'") != 1 || h.count(t, "outbox") != 1 {
		t.Error("the message was not committed as queued with its outbox row")
	}
}

func TestInteractionDone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	i := h.activeInteraction(t, agent, "wamid.done", "16505551234")
	path := fmt.Sprintf("/interactions/%d/done", i.ID)
	codes, err := h.store.Dispositions(ctx, true)
	if err != nil || len(codes) == 0 {
		t.Fatalf("dispositions: %v %v", codes, err)
	}
	retired, err := h.store.CreateDisposition(ctx, "Retired code")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetDispositionActive(ctx, retired, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, disposition, note, wantError string
	}{
		{"no disposition", "", "Customer happy", "Choose a disposition code."},
		{"unknown disposition", "9999", "Customer happy", "That disposition code is not available; choose another."},
		{"retired disposition", strconv.FormatInt(retired, 10), "Customer happy", "That disposition code is not available; choose another."},
		{"note too long", strconv.FormatInt(codes[0].ID, 10), strings.Repeat("n", interaction.MaxNoteLength+1), fmt.Sprintf("The note is longer than %d characters.", interaction.MaxNoteLength)},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := agent.htmx(path, url.Values{"disposition": {test.disposition}, "note": {test.note}})
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422 (%s)", res.status, res.body)
			}
			if got := res.text("done-error"); got != test.wantError {
				t.Errorf("error = %q, want %q", got, test.wantError)
			}
			if got := res.testID("done-note").Text(); got != test.note {
				t.Errorf("note not kept: %q", got)
			}
			if _, hidden := res.testID("done-form").Attr("hidden"); hidden {
				t.Error("the refused Done form is hidden")
			}
			if got := h.interaction(t, i.ID); got.State != store.StateActive || got.DispositionID != 0 {
				t.Errorf("interaction = %s with disposition %d, want still active", got.State, got.DispositionID)
			}
		})
	}

	res := agent.htmx(path, url.Values{"disposition": {strconv.FormatInt(codes[0].ID, 10)}, "note": {"Sent the blue one <b>today</b>"}})
	if res.status != http.StatusOK {
		t.Fatalf("done = %d (%s)", res.status, res.body)
	}
	closed := h.interaction(t, i.ID)
	if closed.State != store.StateDone || closed.DispositionID != codes[0].ID || closed.Note != "Sent the blue one <b>today</b>" {
		t.Fatalf("interaction after done = %+v", closed)
	}
	if again := agent.htmx(path, url.Values{"disposition": {strconv.FormatInt(codes[0].ID, 10)}}); again.status == http.StatusUnprocessableEntity || h.interaction(t, i.ID) != closed {
		t.Errorf("closing twice = %d, changed %+v", again.status, h.interaction(t, i.ID))
	}

	page := agent.get("/contacts/" + strconv.FormatInt(i.ContactID, 10))
	if page.status != http.StatusOK {
		t.Fatalf("contact page = %d", page.status)
	}
	entries := page.testID("history-entry")
	if entries.Length() != 1 {
		t.Fatalf("%d history entries, want 1", entries.Length())
	}
	if got := strings.TrimSpace(entries.Find(`[data-testid="history-disposition"]`).Text()); got != codes[0].Name {
		t.Errorf("disposition shown = %q, want %q", got, codes[0].Name)
	}
	note := entries.Find(`[data-testid="history-note"]`)
	if !strings.Contains(note.Text(), "Sent the blue one <b>today</b>") || note.Find("b").Length() != 0 {
		t.Errorf("note shown as %q (must be the escaped text)", note.Text())
	}
	if !strings.Contains(entries.Text(), "I need help with my order") {
		t.Error("the transcript is missing from the history entry")
	}
}
