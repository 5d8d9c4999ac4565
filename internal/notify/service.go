package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/internal/options"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// Kicker is woken when messages were committed for sending.
type Kicker interface{ Kick() }

// TemplateRegistry is where templates are registered with WhatsApp (the Cloud API client).
type TemplateRegistry interface {
	CreateTemplate(ctx context.Context, wabaID string, definition whatsapp.TemplateDefinition) (whatsapp.TemplateStatusReport, error)
	EditTemplate(ctx context.Context, templateID string, definition whatsapp.TemplateDefinition) (whatsapp.TemplateStatusReport, error)
	ListTemplates(ctx context.Context, wabaID string) ([]whatsapp.TemplateDefinition, error)
}

// Service runs the library for agents (inserting, editing and sending responses) and admins (saving
// them, registering notifications with WhatsApp).
type Service struct {
	Store   *store.Store
	Bus     events.Bus
	Options *options.Set
	Outbox  Kicker
	// Files keeps the bytes of response files (attachments, header files); outbound_files describes them.
	Files *media.Files
	// Registry and BusinessAccountID register notifications as WhatsApp templates; without them
	// notifications are kept here only and must be created in WhatsApp Manager by hand.
	Registry          TemplateRegistry
	BusinessAccountID string
	Log               *slog.Logger
	Now               func() time.Time
}

// DraftError is returned when a structured response cannot be sent as edited; Draft says what is wrong
// and where.
type DraftError struct{ Draft Draft }

func (e *DraftError) Error() string {
	return "notify: the message has problems: " + strings.Join(e.Draft.Problems, " ")
}

// Window returns the response window of an interaction's conversation.
func (s *Service) Window(ctx context.Context, i store.Interaction) (Window, error) {
	opened, err := s.Store.CustomerWindowStart(ctx, i.ContactID, i.PhoneNumberID)
	if err != nil {
		return Window{}, fmt.Errorf("notify: window of interaction %d: %w", i.ID, err)
	}
	return NewWindow(opened, time.Duration(s.Options.Int(options.ResponseWindow))*time.Second), nil
}

// Library lists the active responses an agent can choose from, optionally of one kind and matching query.
func (s *Service) Library(ctx context.Context, query, kind string) ([]store.Response, error) {
	list, err := s.Store.ListResponses(ctx, true, kind, strings.TrimSpace(query))
	if err != nil {
		return nil, fmt.Errorf("notify: library: %w", err)
	}
	return list, nil
}

// Values returns the fields' values for an agent in one of their active interactions.
func (s *Service) Values(ctx context.Context, agent store.User, interactionID int64) (Values, store.Interaction, error) {
	i, err := interaction.ActiveHeldBy(ctx, s.Store, agent.ID, interactionID)
	if err != nil {
		return nil, store.Interaction{}, err
	}
	contact, err := s.Store.ContactByID(ctx, i.ContactID)
	if err != nil {
		return nil, store.Interaction{}, fmt.Errorf("notify: values: %w", err)
	}
	return ValuesFor(contact, agent), i, nil
}

// Edit opens a structured response for agent in interactionID with what they typed so far (lookup) and
// the header file they chose (0 keeps the response's own), and validates it.
func (s *Service) Edit(ctx context.Context, agent store.User, interactionID, responseID int64, lookup func(string) (string, bool), headerFileID int64) (Draft, error) {
	values, _, err := s.Values(ctx, agent, interactionID)
	if err != nil {
		return Draft{}, err
	}
	response, err := s.Store.ResponseByID(ctx, responseID)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!response.Active || !Structured(response.Kind)) {
		return Draft{}, interaction.ErrNotFound
	}
	if err != nil {
		return Draft{}, fmt.Errorf("notify: edit response %d: %w", responseID, err)
	}
	draft, err := NewDraft(response, values)
	if err != nil {
		return Draft{}, err
	}
	if response.Kind == KindButtons && draft.Header.Format != "" {
		if draft.Header.Changeable, err = s.Store.HasPermission(ctx, agent.ID, auth.PermChangeReplyButtonAttachment); err != nil {
			return Draft{}, fmt.Errorf("notify: edit response %d: %w", responseID, err)
		}
	}
	if headerFileID != 0 && headerFileID != draft.Header.FileID {
		if err := s.checkHeaderFile(ctx, agent, draft.Header, headerFileID); err != nil {
			return Draft{}, err
		}
		draft.Header.FileID = headerFileID
	}
	if draft.Header.FileID != 0 {
		file, err := s.Store.OutboundFileByID(ctx, draft.Header.FileID)
		if err != nil {
			return Draft{}, fmt.Errorf("notify: header file of response %d: %w", responseID, err)
		}
		draft.Header.Name = file.Filename
	}
	if lookup != nil {
		draft.Apply(lookup)
	}
	draft.Validate()
	return draft, nil
}

// checkHeaderFile allows a replacement header file only where the agent may change it, only of the
// header's format, and only one the agent uploaded.
func (s *Service) checkHeaderFile(ctx context.Context, agent store.User, header HeaderFile, fileID int64) error {
	if !header.Changeable {
		return &interaction.InputError{Field: "header_file", Message: "You may not change this message's header file."}
	}
	file, err := s.Store.OutboundFileByID(ctx, fileID)
	if errors.Is(err, store.ErrNotFound) || err == nil && file.UploadedBy != agent.ID {
		return &interaction.InputError{Field: "header_file", Message: "That file is not available; upload it again."}
	}
	if err != nil {
		return fmt.Errorf("notify: header file %d: %w", fileID, err)
	}
	if HeaderFormatFor(file.MIME) != header.Format {
		return &interaction.InputError{Field: "header_file", Message: fmt.Sprintf("The header shows a %s; %s is not one.", header.Format, file.Filename)}
	}
	return nil
}

// Upload keeps a file an agent chose for a message header; format is the header's (image, video or
// document), which the file's content must match.
func (s *Service) Upload(ctx context.Context, agent store.User, filename string, content io.Reader, format string) (store.OutboundFile, error) {
	file, err := s.saveFile(ctx, "header_file", filename, content, format, agent.ID, func(file store.OutboundFile) (store.OutboundFile, error) {
		return s.Store.SaveOutboundFile(ctx, file)
	})
	if err != nil {
		return store.OutboundFile{}, fmt.Errorf("notify: upload: %w", err)
	}
	return file, nil
}

// SendResponse sends a structured response as the agent edited it. Interactive messages need the
// response window open; notifications go at any time.
func (s *Service) SendResponse(ctx context.Context, agent store.User, interactionID, responseID int64, lookup func(string) (string, bool), headerFileID int64) (store.Message, error) {
	draft, err := s.Edit(ctx, agent, interactionID, responseID, lookup, headerFileID)
	if err != nil {
		return store.Message{}, err
	}
	if !draft.Valid() {
		return store.Message{}, &DraftError{Draft: draft}
	}
	content, err := draft.Build()
	if err != nil {
		return store.Message{}, err
	}
	messages, err := s.enqueue(ctx, agent.ID, interactionID, func(window Window, now int64) ([]outgoing, error) {
		if Interactive(draft.Kind) && !window.Open(now) {
			return nil, &interaction.InputError{Field: "window", Message: "The response window has ended: reply buttons and lists can only be sent within 24 hours of the customer's last message. Send a notification instead."}
		}
		return []outgoing{{kind: content.Message.Type, body: content.Preview.Body, content: content}}, nil
	})
	if err != nil {
		return store.Message{}, err
	}
	return messages[0], nil
}

// SendComposer sends what the agent wrote in the composer: inside the response window the text, then each
// attached file as its own message; after it, the text wrapped in the default notification.
func (s *Service) SendComposer(ctx context.Context, agent store.User, interactionID int64, text string, fileIDs []int64) ([]store.Message, error) {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), " \n\t")
	checker := interaction.Service{Options: s.Options}
	return s.enqueue(ctx, agent.ID, interactionID, func(window Window, now int64) ([]outgoing, error) {
		if !window.Open(now) {
			if len(fileIDs) > 0 {
				return nil, &interaction.InputError{Field: "attachments", Message: "The response window has ended: only notifications can be sent. Remove the attachments and send your text, which goes out as a notification."}
			}
			automatic, err := s.automatic(ctx, agent, interactionID, text)
			if err != nil {
				return nil, err
			}
			return []outgoing{automatic}, nil
		}
		var list []outgoing
		if strings.TrimSpace(text) != "" || len(fileIDs) == 0 {
			if err := checker.ValidateText(text); err != nil {
				return nil, err
			}
			list = append(list, outgoing{kind: whatsapp.MessageTypeText, body: text})
		}
		for _, id := range fileIDs {
			file, err := s.Store.OutboundFileByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return nil, &interaction.InputError{Field: "attachments", Message: "An attachment is no longer available; remove it."}
			}
			if err != nil {
				return nil, err
			}
			if file.UploadedBy != agent.ID {
				library, err := s.Store.IsResponseAttachment(ctx, id)
				if err != nil {
					return nil, err
				}
				if !library {
					return nil, &interaction.InputError{Field: "attachments", Message: "An attachment is no longer available; remove it."}
				}
			}
			content := Attachment(file.ID, file.Filename, file.MIME)
			list = append(list, outgoing{kind: content.Message.Type, content: content, filename: file.Filename, mime: file.MIME})
		}
		return list, nil
	})
}

// AutomaticTemplate returns the notification that carries agents' text after the response window, or
// ErrNotFound when automatic notifications are off or it does not exist.
func (s *Service) AutomaticTemplate(ctx context.Context) (store.Response, error) {
	name := s.Options.String(options.DefaultNotification)
	if name == "" {
		return store.Response{}, store.ErrNotFound
	}
	response, err := s.Store.ResponseByTemplate(ctx, name)
	if err != nil {
		return store.Response{}, err
	}
	return response, nil
}

// automatic wraps text in the default notification: its first body parameter receives the text, other
// parameters come from their fields or examples.
func (s *Service) automatic(ctx context.Context, agent store.User, interactionID int64, text string) (outgoing, error) {
	if strings.TrimSpace(text) == "" {
		return outgoing{}, &interaction.InputError{Field: "text", Message: "Type a message first."}
	}
	response, err := s.AutomaticTemplate(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return outgoing{}, &interaction.InputError{Field: "window", Message: "The response window has ended: only notifications can be sent. Choose one under Responses → Notifications."}
	}
	if err != nil {
		return outgoing{}, err
	}
	values, _, err := s.Values(ctx, agent, interactionID)
	if err != nil {
		return outgoing{}, err
	}
	draft, err := NewDraft(response, values)
	if err != nil {
		return outgoing{}, err
	}
	draft.Apply(func(key string) (string, bool) { return text, key == bodyKey(1) })
	if !draft.Validate() {
		problems := append([]string(nil), draft.Problems...)
		for _, f := range draft.Fields {
			if f.Error != "" {
				problems = append(problems, f.Error)
			}
		}
		return outgoing{}, &interaction.InputError{Field: "text", Message: "This cannot go out as the notification “" + draft.Template + "”: " + strings.Join(problems, " ")}
	}
	content, err := draft.Build()
	if err != nil {
		return outgoing{}, err
	}
	content.Automatic = true
	return outgoing{kind: content.Message.Type, body: content.Preview.Body, content: content}, nil
}

// outgoing is one message to commit.
type outgoing struct {
	kind     string
	body     string
	content  Content
	filename string
	mime     string
}

// enqueue commits the messages plan decides on, in order, in one transaction that also checks the agent
// still holds the active interaction; then it tells the agent's screens and wakes the outbox.
func (s *Service) enqueue(ctx context.Context, agentID, interactionID int64, plan func(window Window, now int64) ([]outgoing, error)) ([]store.Message, error) {
	var messages []store.Message
	now := s.Now().UnixMilli()
	err := s.Store.WithTx(ctx, func(tx *store.Tx) error {
		messages = nil
		i, err := interaction.ActiveHeldBy(ctx, tx, agentID, interactionID)
		if err != nil {
			return err
		}
		opened, err := tx.CustomerWindowStart(ctx, i.ContactID, i.PhoneNumberID)
		if err != nil {
			return err
		}
		list, err := plan(NewWindow(opened, time.Duration(s.Options.Int(options.ResponseWindow))*time.Second), now)
		if err != nil {
			return err
		}
		for _, o := range list {
			m := store.Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: i.PhoneNumberID, Kind: o.kind, Body: o.body,
				MediaFilename: o.filename, MediaMIME: o.mime, AuthorID: agentID, OriginatedAt: now, ReceivedAt: now}
			if o.content.Message.Type != "" {
				m.Payload = o.content.Encode()
			}
			if m.ID, err = tx.EnqueueOutbound(ctx, m, now); err != nil {
				return err
			}
			m.Direction, m.Status, m.StatusAt = store.DirectionOut, store.StatusQueued, now
			messages = append(messages, m)
		}
		return tx.TouchAgent(ctx, i.ID, now)
	})
	var inputError *interaction.InputError
	switch {
	case errors.As(err, &inputError), errors.Is(err, interaction.ErrNotFound), errors.Is(err, interaction.ErrStale):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("notify: send on interaction %d: %w", interactionID, err)
	}
	for _, m := range messages {
		s.Bus.Publish(events.UserTopic(agentID), events.Event{Kind: events.MessageAdded, InteractionID: interactionID, MessageID: m.ID})
	}
	s.Outbox.Kick()
	return messages, nil
}
