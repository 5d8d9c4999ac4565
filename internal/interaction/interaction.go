// Package interaction holds the rules of an interaction's life as an agent sees it: accepting or rejecting an
// offer, writing to the customer, and closing with a disposition. Every rule is checked against the stored
// state inside one transaction, so two tabs or two agents cannot both win.
package interaction

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"switchboard/internal/events"
	"switchboard/internal/options"
	"switchboard/store"
)

// ErrNotFound means the interaction does not exist or is not the agent's: callers answer 404 either way so
// nobody learns about interactions they may not see.
var ErrNotFound = errors.New("interaction not found")

// ErrStale means the interaction moved on (the offer expired, another tab closed it) before the action.
var ErrStale = errors.New("this interaction has changed in the meantime")

// InputError says what is wrong with what the agent entered, naming the field.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Message }

// Kicker is woken when there may be new work.
type Kicker interface{ Kick() }

// Service performs agents' actions on interactions.
type Service struct {
	Store   *store.Store
	Bus     events.Bus
	Options *options.Set
	Router  Kicker
	Outbox  Kicker
	Now     func() time.Time
}

// Accept takes an interaction offered to agentID.
func (s *Service) Accept(ctx context.Context, agentID, interactionID int64) error {
	if _, err := s.held(ctx, agentID, interactionID); err != nil {
		return err
	}
	ok, err := s.Store.AcceptInteraction(ctx, interactionID, agentID, s.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("interaction: accept %d: %w", interactionID, err)
	}
	if !ok {
		return ErrStale
	}
	s.Bus.Publish(events.UserTopic(agentID), events.Event{Kind: events.InteractionOpened, InteractionID: interactionID})
	s.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.QueueChanged, InteractionID: interactionID})
	return nil
}

// Reject returns an interaction offered to agentID to the queue so routing offers it to someone else.
func (s *Service) Reject(ctx context.Context, agentID, interactionID int64) error {
	if _, err := s.held(ctx, agentID, interactionID); err != nil {
		return err
	}
	ok, err := s.Store.DeclineInteraction(ctx, interactionID, agentID, "rejected", s.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("interaction: reject %d: %w", interactionID, err)
	}
	if !ok {
		return ErrStale
	}
	s.Bus.Publish(events.UserTopic(agentID), events.Event{Kind: events.OfferWithdrawn, InteractionID: interactionID})
	s.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.QueueChanged, InteractionID: interactionID})
	s.Router.Kick()
	return nil
}

// Send commits the agent's text as a queued outbound message and wakes the outbox; the message is durable
// before any network call.
func (s *Service) Send(ctx context.Context, agentID, interactionID int64, text string) (store.Message, error) {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), " \n\t")
	if err := s.ValidateText(text); err != nil {
		return store.Message{}, err
	}
	var message store.Message
	now := s.Now().UnixMilli()
	err := s.Store.WithTx(ctx, func(tx *store.Tx) error {
		held, err := ActiveHeldBy(ctx, tx, agentID, interactionID)
		if err != nil {
			return err
		}
		contact, err := tx.ContactByID(ctx, held.ContactID)
		if err != nil {
			return err
		}
		message = store.Message{InteractionID: held.ID, ContactID: contact.ID, PhoneNumberID: held.PhoneNumberID, Kind: "text",
			Body: text, AuthorID: agentID, OriginatedAt: now, ReceivedAt: now}
		message.ID, err = tx.EnqueueOutbound(ctx, message, now)
		if err != nil {
			return err
		}
		return tx.TouchAgent(ctx, held.ID, now)
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrStale) {
			return store.Message{}, err
		}
		return store.Message{}, fmt.Errorf("interaction: send on %d: %w", interactionID, err)
	}
	message.Direction, message.Status, message.StatusAt = store.DirectionOut, store.StatusQueued, now
	s.Bus.Publish(events.UserTopic(agentID), events.Event{Kind: events.MessageAdded, InteractionID: interactionID, MessageID: message.ID})
	s.Outbox.Kick()
	return message, nil
}

// ValidateText checks an outbound text against the size option; the browser shows the same message before
// the agent presses Send.
func (s *Service) ValidateText(text string) error {
	if strings.TrimSpace(text) == "" {
		return &InputError{Field: "text", Message: "Type a message first."}
	}
	if !utf8.ValidString(text) {
		return &InputError{Field: "text", Message: "The message contains invalid characters."}
	}
	if limit := s.Options.Int(options.MaxTextMessageSize); len(text) > limit {
		return &InputError{Field: "text", Message: TooLongMessage(len(text), limit)}
	}
	return nil
}

// TooLongMessage is the notice shown when a message exceeds the byte limit.
func TooLongMessage(size, limit int) string {
	return fmt.Sprintf("The message is %d bytes; the maximum is %d bytes. Shorten it to send.", size, limit)
}

// MaxNoteLength bounds the closing note.
const MaxNoteLength = 2000

// Close marks the agent's active interaction done with a disposition code and a note; it then appears in
// the contact's history and frees the agent's capacity.
func (s *Service) Close(ctx context.Context, agentID, interactionID, dispositionID int64, note string) error {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxNoteLength {
		return &InputError{Field: "note", Message: fmt.Sprintf("The note is longer than %d characters.", MaxNoteLength)}
	}
	held, err := s.held(ctx, agentID, interactionID)
	if err != nil {
		return err
	}
	if held.State != store.StateActive {
		return ErrStale
	}
	if dispositionID == 0 {
		return &InputError{Field: "disposition", Message: "Choose a disposition code."}
	}
	disposition, err := s.Store.DispositionByID(ctx, dispositionID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !disposition.Active {
		return &InputError{Field: "disposition", Message: "That disposition code is not available; choose another."}
	}
	if err != nil {
		return fmt.Errorf("interaction: close %d: %w", interactionID, err)
	}
	ok, err := s.Store.CloseInteraction(ctx, interactionID, agentID, dispositionID, note, s.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("interaction: close %d: %w", interactionID, err)
	}
	if !ok {
		return ErrStale
	}
	s.Bus.Publish(events.UserTopic(agentID), events.Event{Kind: events.InteractionClosed, InteractionID: interactionID})
	s.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.QueueChanged, InteractionID: interactionID})
	s.Router.Kick()
	return nil
}

// SetReady changes the agent's readiness on the WhatsApp channel.
func (s *Service) SetReady(ctx context.Context, userID int64, ready bool) error {
	if err := s.Store.SetReady(ctx, userID, ready); err != nil {
		return fmt.Errorf("interaction: set ready: %w", err)
	}
	s.Bus.Publish(events.UserTopic(userID), events.Event{Kind: events.PresenceChanged})
	s.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.PresenceChanged})
	s.Router.Kick()
	return nil
}

// ActiveHeldBy returns the interaction when agentID works on it now: ErrNotFound when it does not exist or
// is another agent's, ErrStale when it is no longer active. Everything an agent sends is checked by it, in
// the transaction that commits what is sent.
func ActiveHeldBy(ctx context.Context, q interface {
	InteractionByID(context.Context, int64) (store.Interaction, error)
}, agentID, interactionID int64) (store.Interaction, error) {
	i, err := q.InteractionByID(ctx, interactionID)
	if errors.Is(err, store.ErrNotFound) || err == nil && i.AgentID != agentID {
		return store.Interaction{}, ErrNotFound
	}
	if err != nil {
		return store.Interaction{}, err
	}
	if i.State != store.StateActive {
		return store.Interaction{}, ErrStale
	}
	return i, nil
}

// held returns the interaction if agentID holds it (offered or active).
func (s *Service) held(ctx context.Context, agentID, interactionID int64) (store.Interaction, error) {
	i, err := s.Store.InteractionByID(ctx, interactionID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Interaction{}, ErrNotFound
	}
	if err != nil {
		return store.Interaction{}, fmt.Errorf("interaction: %d: %w", interactionID, err)
	}
	if i.AgentID != agentID {
		// An offer that timed out or went to someone else is stale for the agent clicking it; an interaction
		// another agent works on is none of this agent's business.
		if i.State == store.StateQueued || i.State == store.StateOffered {
			return store.Interaction{}, ErrStale
		}
		return store.Interaction{}, ErrNotFound
	}
	return i, nil
}
