package interaction

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"switchboard/internal/events"
	"switchboard/internal/media"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// Attachment is a file an agent attached: received in full, its type recognised from its content and
// checked against the limits, waiting in staging.
type Attachment struct {
	File *media.Staged
	Type media.Type
	// Name is the cleaned file name, shown to the agent and, for documents, to the customer.
	Name string
}

// CheckSend says whether the agent may write on the interaction now, so an upload can be turned away before
// its body is read.
func (s *Service) CheckSend(ctx context.Context, agentID, interactionID int64) error {
	held, err := s.held(ctx, agentID, interactionID)
	if err != nil {
		return err
	}
	if held.State != store.StateActive {
		return ErrStale
	}
	return nil
}

// SendAttachment commits the agent's file as a queued outbound message, with text as its caption where
// WhatsApp shows one. Audio has no caption and a caption has a length limit, so text that cannot go with
// the file is sent first as its own message, as the vendor's clients do. The file is moved into storage
// before the messages are committed and the outbox is woken after, so the outbox always finds it.
func (s *Service) SendAttachment(ctx context.Context, agentID, interactionID int64, text string, file Attachment) ([]store.Message, error) {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), " \n\t")
	if text != "" {
		if err := s.ValidateText(text); err != nil {
			return nil, err
		}
	}
	separate := text != "" && (!file.Type.CanCaption() || utf8.RuneCountInString(text) > whatsapp.MaxCaptionLength)
	var messages []store.Message
	now := s.Now().UnixMilli()
	enqueue := func(tx *store.Tx) error {
		messages = nil
		held, err := ActiveHeldBy(ctx, tx, agentID, interactionID)
		if err != nil {
			return err
		}
		base := store.Message{InteractionID: held.ID, ContactID: held.ContactID, PhoneNumberID: held.PhoneNumberID, AuthorID: agentID,
			OriginatedAt: now, ReceivedAt: now}
		if separate {
			m := base
			m.Kind, m.Body = whatsapp.MessageTypeText, text
			if m.ID, err = tx.EnqueueOutbound(ctx, m, now); err != nil {
				return err
			}
			messages = append(messages, m)
		}
		m := base
		m.Kind, m.MediaMIME, m.MediaFilename = string(file.Type.Kind), file.Type.MIME, file.Name
		if !separate {
			m.Body = text
		}
		attachment := store.Attachment{FileName: file.Name, SHA256: file.File.SHA256, Size: file.File.Size, ContentType: file.Type.MIME, TypeName: file.Type.Name}
		if m.ID, err = tx.EnqueueOutboundAttachment(ctx, m, attachment, now); err != nil {
			return err
		}
		messages = append(messages, m)
		return tx.TouchAgent(ctx, held.ID, now)
	}
	err := file.File.Keep(func() error { return s.Store.WithTx(ctx, enqueue) }, ContentReferenced(ctx, s.Store, file.File.SHA256))
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrStale) {
			return nil, err
		}
		return nil, fmt.Errorf("interaction: send file on %d: %w", interactionID, err)
	}
	for i := range messages {
		messages[i].Direction, messages[i].Status, messages[i].StatusAt = store.DirectionOut, store.StatusQueued, now
		s.Bus.Publish(events.UserTopic(agentID), events.Event{Kind: events.MessageAdded, InteractionID: interactionID, MessageID: messages[i].ID})
	}
	s.Outbox.Kick()
	return messages, nil
}

// ContentReferenced asks whether any record (an attachment, a response file) refers to the stored file
// sha256, for Staged.Keep; when the store cannot tell, the file is taken to be needed.
func ContentReferenced(ctx context.Context, st *store.Store, sha256 string) func() bool {
	return func() bool {
		n, err := st.CountFilesWithContent(context.WithoutCancel(ctx), sha256)
		return err != nil || n > 0
	}
}
