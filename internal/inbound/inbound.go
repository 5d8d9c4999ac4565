// Package inbound turns a parsed webhook into stored messages, contacts, interactions, delivery states and
// notification template statuses, all in one transaction, then tells the rest of the system what changed.
package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/media"
	"switchboard/internal/notify"
	"switchboard/internal/phonenumber"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// Kicker is woken when there may be new work (routing).
type Kicker interface{ Kick() }

// Intake stores webhook batches.
type Intake struct {
	Store  *store.Store
	Bus    events.Bus
	Router Kicker
	// Media is woken when a message carries a file to fetch; nil when nothing fetches files.
	Media Kicker
	// BusinessAccountID, when set, is the only WhatsApp Business Account whose template news is applied: a
	// webhook's signature proves only that it came through the Meta app, which other accounts may share.
	BusinessAccountID string
	Log               *slog.Logger
	Now               func() time.Time
}

// Result counts what a batch changed.
type Result struct {
	Messages, Duplicates, Statuses, Quarantined, Errors int
	// TemplateStatuses counts template status changes recorded on a notification; UnknownTemplates
	// those about templates no notification is.
	TemplateStatuses, UnknownTemplates int
}

// change is an event to publish once the transaction has committed.
type change struct {
	agentID int64
	event   events.Event
}

// Process commits everything in batch or nothing. Its caller acknowledges the webhook only after a nil error,
// so Meta redelivers a batch that was not stored; redelivered messages are recognised by wamid and skipped.
func (in *Intake) Process(ctx context.Context, batch whatsapp.Batch) (Result, error) {
	var result Result
	var changes []change
	var unknownTemplates []whatsapp.TemplateStatusChange
	newInteraction, newMedia := false, false
	now := in.Now().UnixMilli()
	err := in.Store.WithTx(ctx, func(tx *store.Tx) error {
		result, changes, unknownTemplates, newInteraction, newMedia = Result{}, nil, nil, false, false
		for _, item := range batch.Malformed {
			if err := tx.AddQuarantine(ctx, "webhook", item.Reason, string(item.Raw), now); err != nil {
				return err
			}
			result.Quarantined++
		}
		for _, valueError := range batch.Errors {
			e := store.WebhookError{PhoneNumberID: valueError.PhoneNumberID, Code: valueError.Code, Title: valueError.Title,
				Message: valueError.Message, Detail: valueError.Details, ReceivedAt: now}
			if err := tx.AddWebhookError(ctx, e); err != nil {
				return err
			}
			result.Errors++
		}
		for _, message := range batch.Messages {
			c, created, duplicate, err := storeMessage(ctx, tx, message, now)
			if err != nil {
				return err
			}
			if duplicate {
				result.Duplicates++
				continue
			}
			result.Messages++
			newInteraction = newInteraction || created
			newMedia = newMedia || carriesFile(message)
			changes = append(changes, c)
		}
		for _, status := range batch.Statuses {
			c, ok, err := storeStatus(ctx, tx, status, now)
			if err != nil {
				return err
			}
			result.Statuses++
			if ok {
				changes = append(changes, c)
			}
		}
		for _, templateStatus := range batch.TemplateStatuses {
			if in.BusinessAccountID != "" && templateStatus.BusinessAccountID != in.BusinessAccountID {
				unknownTemplates = append(unknownTemplates, templateStatus)
				result.UnknownTemplates++
				continue
			}
			_, _, err := tx.ApplyTemplateReview(ctx, notify.Review(templateStatus))
			if errors.Is(err, store.ErrNotFound) {
				// A template made elsewhere in the account (WhatsApp Manager, another app): nothing here to update.
				unknownTemplates = append(unknownTemplates, templateStatus)
				result.UnknownTemplates++
				continue
			}
			if err != nil {
				return err
			}
			result.TemplateStatuses++
		}
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("inbound: %w", err)
	}
	for _, item := range batch.Malformed {
		in.Log.Warn("webhook item quarantined", "reason", item.Reason, "bytes", len(item.Raw))
	}
	for _, t := range batch.TemplateStatuses {
		in.Log.Info("whatsapp template status", "template", t.Name, "language", t.Language, "template_id", t.TemplateID, "event", t.Event, "reason", t.Reason)
		if len(t.Ignored) > 0 {
			in.Log.Warn("whatsapp template status: fields left out", "template", t.Name, "fields", t.Ignored)
		}
	}
	for _, t := range unknownTemplates {
		in.Log.Info("template status ignored: no notification here is this template", "template", t.Name, "language", t.Language,
			"template_id", t.TemplateID, "account", t.BusinessAccountID, "event", t.Event)
	}
	for _, valueError := range batch.Errors {
		in.Log.Warn("whatsapp reported an error", "phone_number_id", valueError.PhoneNumberID, "code", valueError.Code, "title", valueError.Title)
	}
	for _, c := range changes {
		if c.agentID != 0 {
			in.Bus.Publish(events.UserTopic(c.agentID), c.event)
		}
	}
	if newInteraction {
		in.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.QueueChanged})
		in.Router.Kick()
	}
	if newMedia && in.Media != nil {
		in.Media.Kick()
	}
	return result, nil
}

// storeMessage files one customer message under the contact's open interaction, creating both when new.
func storeMessage(ctx context.Context, tx *store.Tx, message whatsapp.InboundMessage, now int64) (c change, created, duplicate bool, err error) {
	exists, err := tx.MessageExists(ctx, message.WAMID)
	if err != nil || exists {
		return change{}, false, exists, err
	}
	waID := message.From
	if normalized, err := phonenumber.Normalize(waID); err == nil {
		waID = normalized
	}
	contact, err := tx.EnsureContact(ctx, waID, message.ProfileName, now)
	if err != nil {
		return change{}, false, false, err
	}
	if message.System != nil && message.System.Type == "user_changed_number" {
		if err := changeNumber(ctx, tx, &message, contact, now); err != nil {
			return change{}, false, false, err
		}
	}
	interaction, err := tx.OpenInteraction(ctx, contact.ID, message.PhoneNumberID)
	if errors.Is(err, store.ErrNotFound) {
		interaction, err = tx.CreateInteraction(ctx, contact.ID, message.PhoneNumberID, now)
		created = true
	}
	if err != nil {
		return change{}, false, false, err
	}
	record := Record(message)
	record.InteractionID = interaction.ID
	record.ContactID = contact.ID
	record.ReceivedAt = now
	record.StatusAt = now
	id, inserted, err := tx.InsertMessage(ctx, record)
	if err != nil || !inserted {
		return change{}, false, !inserted, err
	}
	if carriesFile(message) {
		// The file is fetched after the webhook is acknowledged; the message shows at once meanwhile.
		attachment := store.Attachment{MessageID: id, State: store.AttachmentPending, NextAttemptAt: now, CreatedAt: now}
		if message.Media.Filename != "" { // photos and voice notes come without a name; the view names them
			attachment.FileName = media.CleanName(message.Media.Filename)
		}
		if err := tx.InsertAttachment(ctx, attachment); err != nil {
			return change{}, false, false, err
		}
	}
	event := events.Event{Kind: events.MessageAdded, InteractionID: interaction.ID, MessageID: id}
	switch record.Kind {
	case whatsapp.MessageTypeReaction:
		// A reaction is not a line of its own: it changes the message it reacts to, and needs no answer.
		target, err := tx.MessageByWAMID(ctx, record.ReplyToWAMID)
		if errors.Is(err, store.ErrNotFound) {
			return change{}, created, false, nil
		}
		if err != nil {
			return change{}, false, false, err
		}
		event = events.Event{Kind: events.MessageChanged, InteractionID: interaction.ID, MessageID: target.ID}
	case whatsapp.MessageTypeSystem:
	default:
		if err := tx.TouchCustomer(ctx, interaction.ID, now); err != nil {
			return change{}, false, false, err
		}
	}
	return change{agentID: interaction.AgentID, event: event}, created, false, nil
}

// changeNumber moves the contact to the new WhatsApp id WhatsApp reported, and words the transcript notice.
func changeNumber(ctx context.Context, tx *store.Tx, message *whatsapp.InboundMessage, contact store.Contact, now int64) error {
	newWAID, err := phonenumber.Normalize(message.System.NewWAID)
	if err != nil {
		return nil // nothing usable to move to; the notice keeps WhatsApp's own words
	}
	_, err = tx.ContactByWAID(ctx, newWAID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := tx.ChangeContactWAID(ctx, contact.ID, newWAID, now); err != nil {
			return err
		}
		message.System.Body = fmt.Sprintf("The customer changed their WhatsApp number from +%s to +%s; the contact now has the new number.", contact.WAID, newWAID)
	case err != nil:
		return err
	default:
		message.System.Body = fmt.Sprintf("The customer changed their WhatsApp number from +%s to +%s, which already belongs to another contact.", contact.WAID, newWAID)
	}
	return nil
}

// carriesFile reports whether a customer message has a file to fetch.
func carriesFile(message whatsapp.InboundMessage) bool {
	return message.Media != nil && message.Media.ID != "" && media.KindOfMessage(message.Type) != ""
}

// storeStatus moves an outbound message's delivery state forward, or parks the report until the message's
// wamid is known.
func storeStatus(ctx context.Context, tx *store.Tx, status whatsapp.StatusUpdate, now int64) (change, bool, error) {
	update := store.StatusUpdate{WAMID: status.WAMID, Status: status.Status, At: status.Timestamp.UnixMilli()}
	switch status.Status {
	case whatsapp.StatusSent, whatsapp.StatusDelivered, whatsapp.StatusRead, whatsapp.StatusFailed:
	default:
		return change{}, false, nil // deleted/warning do not change what the agent sees
	}
	if len(status.Errors) > 0 {
		first := status.Errors[0]
		update.ErrorCode, update.ErrorTitle, update.ErrorDetail = first.Code, first.Title, first.Details
		if update.ErrorTitle == "" {
			update.ErrorTitle = first.Message
		}
		if update.ErrorDetail == "" && !strings.EqualFold(strings.TrimSuffix(first.Message, "."), update.ErrorTitle) {
			update.ErrorDetail = first.Message
		}
	}
	message, changed, err := tx.ApplyStatus(ctx, update)
	if errors.Is(err, store.ErrNotFound) {
		return change{}, false, tx.SavePendingStatus(ctx, update, now)
	}
	if err != nil || !changed {
		return change{}, false, err
	}
	interaction, err := tx.InteractionByID(ctx, message.InteractionID)
	if err != nil {
		return change{}, false, err
	}
	return change{agentID: interaction.AgentID, event: events.Event{Kind: events.MessageChanged, InteractionID: interaction.ID, MessageID: message.ID}}, true, nil
}

// Record converts a parsed customer message to its stored form: the common fields in columns, the
// kind-specific part as JSON in Payload.
func Record(message whatsapp.InboundMessage) store.Message {
	record := store.Message{
		PhoneNumberID: message.PhoneNumberID,
		Direction:     store.DirectionIn,
		Kind:          message.Type,
		WAMID:         message.WAMID,
		Body:          message.Text,
		Status:        store.StatusReceived,
		OriginatedAt:  message.Timestamp.UnixMilli(),
	}
	if message.Context != nil {
		record.ReplyToWAMID = message.Context.MessageID
	}
	var payload any
	switch {
	case message.Media != nil:
		record.MediaID = message.Media.ID
		record.MediaMIME = message.Media.MimeType
		record.MediaFilename = message.Media.Filename
		record.Body = message.Media.Caption
		payload = message.Media
	case message.Location != nil:
		record.Body = message.Location.Name
		payload = message.Location
	case len(message.Contacts) > 0:
		payload = message.Contacts
	case message.Reply != nil:
		record.Body = message.Reply.Title
		payload = message.Reply
	case message.Button != nil:
		record.Body = message.Button.Text
		payload = message.Button
	case message.Reaction != nil:
		record.Body = message.Reaction.Emoji
		record.ReplyToWAMID = message.Reaction.MessageID
		payload = message.Reaction
	case message.System != nil:
		record.Body = message.System.Body
		payload = message.System
	case message.Order != nil:
		payload = message.Order
	case len(message.Errors) > 0:
		payload = message.Errors
	}
	if payload != nil {
		if encoded, err := json.Marshal(payload); err == nil {
			record.Payload = string(encoded)
		}
	}
	if record.Payload == "" && message.Type != whatsapp.MessageTypeText {
		record.Payload = string(message.Raw)
	}
	return record
}
