package notify_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/interaction"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/notify"
	"switchboard/internal/options"
	"switchboard/store"
)

type kicks struct{ n int }

func (k *kicks) Kick() { k.n++ }

// conversation is an active interaction held by an agent whose customer last wrote at lastWrote.
func conversation(t *testing.T, s *notify.Service, lastWrote time.Time) (store.User, store.Interaction) {
	t.Helper()
	ctx := context.Background()
	agentID, err := s.Store.CreateUser(ctx, store.User{Username: "ava", DisplayName: "Ava Smith", PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	agent, _ := s.Store.UserByID(ctx, agentID)
	contact, _ := s.Store.EnsureContact(ctx, "447700900001", "Ann Lee", 1)
	i, _ := s.Store.CreateInteraction(ctx, contact.ID, "100", 1)
	if ok, err := s.Store.AssignInteraction(ctx, i.ID, agent.ID, 1); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, _, err := s.Store.InsertMessage(ctx, store.Message{InteractionID: i.ID, ContactID: contact.ID, PhoneNumberID: "100", Direction: store.DirectionIn,
		Kind: "text", WAMID: "wamid.in", Body: "help", Status: store.StatusReceived, OriginatedAt: lastWrote.UnixMilli(), ReceivedAt: time.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	i, _ = s.Store.InteractionByID(ctx, i.ID)
	return agent, i
}

// TestComposerAfterTheWindow: once the response window (the option, at most 24 hours) has ended, text goes
// out as the default notification with the text as its parameter; attachments and interactive messages are
// refused; with automatic notifications off, text is refused with a pointer to the notifications.
func TestComposerAfterTheWindow(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	outbox := &kicks{}
	s.Bus, s.Outbox = events.NewHub(), outbox
	if problems, err := s.Options.Update(ctx, map[string]string{options.ResponseWindow: "3600"}, 0); err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
	agent, i := conversation(t, s, time.Now().Add(-2*time.Hour))
	window, _ := s.Window(ctx, i)
	if window.Open(time.Now().UnixMilli()) {
		t.Fatal("a one-hour window is open two hours after the customer wrote")
	}

	messages, err := s.SendComposer(ctx, agent, i.ID, "Your parcel left today.\n", nil)
	if err != nil || len(messages) != 1 || messages[0].Kind != "template" {
		t.Fatalf("automatic notification: %+v %v", messages, err)
	}
	content, ok := notify.DecodeContent(messages[0].Payload)
	if !ok || !content.Automatic || content.Preview.Body != "Thank you for your patience! Your parcel left today." ||
		content.Message.Template.Components[0].Parameters[0].Text != "Your parcel left today." {
		t.Errorf("automatic content %+v", content)
	}
	if outbox.n != 1 {
		t.Errorf("outbox kicked %d times", outbox.n)
	}

	var inputError *interaction.InputError
	file, err := s.Upload(ctx, agent, "a.pdf", bytes.NewReader(mediatest.PDF(100)), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendComposer(ctx, agent, i.ID, "See attached", []int64{file.ID}); !errors.As(err, &inputError) || inputError.Field != "attachments" {
		t.Errorf("attachments after the window: %v", err)
	}
	categories, _ := s.Store.ResponseCategories(ctx)
	buttons, _, err := s.SaveResponse(ctx, notify.ResponseInput{CategoryID: categories[0].ID, Name: "Survey", Kind: notify.KindButtons, Active: true,
		Definition: notify.Definition{Buttons: &notify.ReplyButtons{Body: "Solved?", Buttons: []string{"Yes", "No"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendResponse(ctx, agent, i.ID, buttons, nil, 0); !errors.As(err, &inputError) || !strings.Contains(inputError.Message, "within 24 hours") {
		t.Errorf("reply buttons after the window: %v", err)
	}
	if _, err := s.Options.Update(ctx, map[string]string{options.DefaultNotification: ""}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendComposer(ctx, agent, i.ID, "Hello?", nil); !errors.As(err, &inputError) || !strings.Contains(inputError.Message, "Responses → Notifications") {
		t.Errorf("text with automatic notifications off: %v", err)
	}
	if n, _ := s.Store.OutboxLength(ctx); n != 1 {
		t.Errorf("%d messages queued, want only the automatic notification", n)
	}
}

// TestComposerInsideTheWindow: text then each attachment, one message each, in order; reply buttons go.
func TestComposerInsideTheWindow(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	s.Bus, s.Outbox = events.NewHub(), &kicks{}
	agent, i := conversation(t, s, time.Now().Add(-time.Minute))
	categories, _ := s.Store.ResponseCategories(ctx)
	id, _, err := s.SaveResponse(ctx, notify.ResponseInput{CategoryID: categories[0].ID, Name: "Terms", Kind: notify.KindText, Body: "Terms", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := s.AddAttachment(ctx, id, "terms.pdf", bytes.NewReader(mediatest.PDF(100)))
	if err != nil {
		t.Fatal(err)
	}
	png, err := s.AddAttachment(ctx, id, "map.png", bytes.NewReader(mediatest.PNG(4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	messages, err := s.SendComposer(ctx, agent, i.ID, "Here are our terms", []int64{pdf.ID, png.ID})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range messages {
		kinds = append(kinds, m.Kind+":"+m.Body+m.MediaFilename)
	}
	if strings.Join(kinds, ",") != "text:Here are our terms,document:terms.pdf,image:map.png" {
		t.Errorf("messages %v", kinds)
	}
	buttons, _, _ := s.SaveResponse(ctx, notify.ResponseInput{CategoryID: categories[0].ID, Name: "Survey", Kind: notify.KindButtons, Active: true,
		Definition: notify.Definition{Buttons: &notify.ReplyButtons{Body: "Solved, {contact.first_name}?", Buttons: []string{"Yes", "No"}}}})
	m, err := s.SendResponse(ctx, agent, i.ID, buttons, nil, 0)
	if err != nil || m.Kind != "interactive" || m.Body != "Solved, Ann?" {
		t.Errorf("reply buttons: %+v %v", m, err)
	}
	other := store.User{ID: agent.ID + 100}
	if _, err := s.SendComposer(ctx, other, i.ID, "hi", nil); !errors.Is(err, interaction.ErrNotFound) {
		t.Errorf("another agent sends: %v", err)
	}
}
