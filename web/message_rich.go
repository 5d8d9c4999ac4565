package web

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/a-h/templ"

	"switchboard/components"
	"switchboard/internal/notify"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// reengagementCode is WhatsApp's error for a free-form message outside the 24-hour window; it is final
// (the outbox does not retry it), so the transcript says plainly what to do instead.
const reengagementCode = 131047

// enrichMessage adds what a plain line cannot show: a notification or interactive message drawn as the
// customer sees it, the customer's answer to one with the original and the chosen option highlighted,
// and a clear explanation of a send refused by the 24-hour rule.
func (s *Server) enrichMessage(ctx context.Context, v *components.MessageView, m store.Message) error {
	if m.ErrorCode == reengagementCode {
		v.ErrorTitle = "Not delivered: the 24-hour window has closed."
		v.ErrorDetail = "WhatsApp delivers regular and interactive messages only within 24 hours of the customer's last message and refused this one; it is not retried. Send a notification instead."
	}
	if m.Direction == store.DirectionOut {
		content, ok := notify.DecodeContent(m.Payload)
		if !ok || content.Preview == nil {
			return nil
		}
		rich := richView(*content.Preview, content.Automatic)
		v.Rich, v.Text, v.Placeholder = &rich, "", ""
		return nil
	}
	if m.Direction != store.DirectionIn || (m.Kind != whatsapp.MessageTypeButton && m.Kind != whatsapp.MessageTypeInteractive) {
		return nil
	}
	var chosenID, chosenText string
	switch m.Kind {
	case whatsapp.MessageTypeButton:
		var button whatsapp.Button
		_ = json.Unmarshal([]byte(m.Payload), &button)
		chosenID, chosenText = button.Payload, button.Text
	case whatsapp.MessageTypeInteractive:
		var reply whatsapp.Reply
		_ = json.Unmarshal([]byte(m.Payload), &reply)
		chosenID, chosenText = reply.ID, reply.Title
	}
	choice := components.ChoiceView{Chosen: chosenText}
	if m.ReplyToWAMID != "" {
		original, err := s.Store.MessageByWAMID(ctx, m.ReplyToWAMID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		case original.ContactID == m.ContactID:
			if content, ok := notify.DecodeContent(original.Payload); ok && content.Preview != nil {
				rich := richView(*content.Preview, content.Automatic)
				markChosen(&rich, chosenID, chosenText)
				choice.Original = &rich
			}
		}
	}
	v.Choice, v.Text, v.Placeholder = &choice, "", ""
	return nil
}

// richView turns a stored preview into the component's view model.
func richView(p notify.Preview, automatic bool) components.RichView {
	v := components.RichView{Kind: p.Kind, HeaderText: p.HeaderText, HeaderMedia: p.HeaderMedia, HeaderFile: p.HeaderFile,
		Body: p.Body, Footer: p.Footer, ListButton: p.ListButton, Automatic: automatic}
	switch p.Kind {
	case notify.KindNotification:
		v.Label = "Notification · " + p.Template
		if automatic {
			v.Label = "Automatic notification · " + p.Template
		}
	case notify.KindButtons:
		v.Label = "Reply buttons"
	case notify.KindList:
		v.Label = "List message"
	}
	for _, b := range p.Buttons {
		v.Buttons = append(v.Buttons, components.RichButton{ID: b.ID, Type: b.Type, Text: b.Text, Target: b.Target})
	}
	for _, s := range p.Sections {
		section := components.RichSection{Title: s.Title}
		for _, r := range s.Rows {
			section.Rows = append(section.Rows, components.RichRow{ID: r.ID, Title: r.Title, Description: r.Description})
		}
		v.Sections = append(v.Sections, section)
	}
	return v
}

// markChosen highlights the option the customer picked: by id (a quick reply's payload, a reply button's
// or row's id), else by its text.
func markChosen(v *components.RichView, id, text string) {
	found := false
	for i := range v.Buttons {
		if v.Buttons[i].ID != "" && v.Buttons[i].ID == id {
			v.Buttons[i].Chosen, found = true, true
		}
	}
	for i := range v.Sections {
		for j := range v.Sections[i].Rows {
			if v.Sections[i].Rows[j].ID == id {
				v.Sections[i].Rows[j].Chosen, found = true, true
			}
		}
	}
	if found {
		return
	}
	for i := range v.Buttons {
		if v.Buttons[i].Text == text && (v.Buttons[i].Type == notify.ButtonQuickReply || v.Buttons[i].Type == "reply") {
			v.Buttons[i].Chosen = true
			return
		}
	}
}

// windowView is the response window of an interaction as its header shows it.
func (s *Server) windowView(ctx context.Context, vc viewContext, i store.Interaction) (components.WindowView, error) {
	window, err := s.Notify.Window(ctx, i)
	if err != nil {
		return components.WindowView{}, err
	}
	now := vc.now.UnixMilli()
	return components.WindowView{InteractionID: i.ID, Open: window.Open(now), ClosesAtMilli: window.ClosesAt, Left: window.Left(now)}, nil
}

// windowFragment refreshes an interaction's header countdown and the pane's open or closed state after a
// customer message, out of band.
func (s *Server) windowFragment(ctx context.Context, vc viewContext, interactionID int64) (templ.Component, error) {
	i, err := s.Store.InteractionByID(ctx, interactionID)
	if err != nil {
		return nil, err
	}
	window, err := s.windowView(ctx, vc, i)
	if err != nil {
		return nil, err
	}
	return oob("outerHTML", hashID("window", interactionID), components.WindowLeft(window)), nil
}

// automaticNotice fills in the composer what text after the response window becomes.
func (s *Server) automaticNotice(ctx context.Context, composer *components.ComposerView) error {
	response, err := s.Notify.AutomaticTemplate(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	definition, err := notify.ParseDefinition(response.Kind, response.Definition)
	if err != nil || definition.Template == nil {
		return err
	}
	composer.AutoTemplate, composer.AutoBody = definition.Template.Name, definition.Template.Body
	composer.AutoBlocked = notify.Unsendable(response)
	return nil
}

// composerAttachments names the files an agent had attached, to show them again beside a refused send.
func (s *Server) composerAttachments(ctx context.Context, ids []int64) []components.ResponseFileView {
	var list []components.ResponseFileView
	for _, id := range ids {
		if file, err := s.Store.OutboundFileByID(ctx, id); err == nil {
			list = append(list, components.ResponseFileView{ID: file.ID, Name: file.Filename, Size: components.FileSize(file.Size)})
		}
	}
	return list
}

// attachmentIDs reads the composer's attachment fields.
func attachmentIDs(values []string) []int64 {
	var ids []int64
	for _, v := range values {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}
