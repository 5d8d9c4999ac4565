package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// templateStatusField is the change field of WhatsApp's news about a message template's review and standing.
const templateStatusField = "message_template_status_update"

// Events of a template status webhook ("event"). Meta adds events over time, so others are kept as received.
const (
	TemplateEventApproved        = "APPROVED"
	TemplateEventRejected        = "REJECTED"
	TemplateEventPending         = "PENDING"
	TemplateEventPaused          = "PAUSED"
	TemplateEventDisabled        = "DISABLED"
	TemplateEventFlagged         = "FLAGGED"
	TemplateEventReinstated      = "REINSTATED"
	TemplateEventInAppeal        = "IN_APPEAL"
	TemplateEventPendingDeletion = "PENDING_DELETION"
	TemplateEventDeleted         = "DELETED"
	TemplateEventArchived        = "ARCHIVED"
	TemplateEventUnarchived      = "UNARCHIVED"
	TemplateEventLimitExceeded   = "LIMIT_EXCEEDED"
	TemplateEventLocked          = "LOCKED"
	TemplateEventUnlocked        = "UNLOCKED"
)

// TemplateReasonNone is the "reason" Meta sends when there is none to give (approvals, pauses).
const TemplateReasonNone = "NONE"

// TemplateStatusChange is one "message_template_status_update" change: WhatsApp approved, rejected,
// paused, disabled, ... a message template of the WhatsApp Business Account.
type TemplateStatusChange struct {
	// BusinessAccountID is the entry's id, the WhatsApp Business Account the template belongs to.
	BusinessAccountID string
	// At is when WhatsApp triggered the webhook (the entry's "time"), in UTC; zero when it was not given.
	At time.Time
	// Event is one of the TemplateEvent constants or an event this package does not know yet.
	Event string
	// TemplateID is WhatsApp's id of the template (a JSON number on the wire), as its decimal digits.
	TemplateID string
	Name       string
	Language   string
	Category   string // "message_template_category", when given
	// Reason is why WhatsApp rejected (or otherwise changed) the template, as Meta spells it
	// (INVALID_FORMAT, ABUSIVE_CONTENT, TemplateReasonNone, ...); "" when Meta sent null or nothing.
	Reason string
	// Rejection explains an INVALID_FORMAT rejection ("rejection_info"), when given.
	Rejection *TemplateRejection
	// Info is the title and description of a pause, unpause, lock or unlock ("other_info"), when given.
	Info *TemplateStatusInfo
	// DisabledAt is when a disabled template was disabled ("disable_info"), zero when not given.
	DisabledAt time.Time
	// Ignored lists optional fields that were present but not of the kind Meta documents. They are left out
	// rather than losing the event with them (a real DISABLED must not wait in quarantine).
	Ignored []string
	Raw     json.RawMessage
}

// TemplateRejection is WhatsApp's explanation of a rejection and what to change.
type TemplateRejection struct {
	Reason         string `json:"reason"`
	Recommendation string `json:"recommendation"`
}

// TemplateStatusInfo is the "other_info" of a template status change, such as FIRST_PAUSE with the text
// WhatsApp shows for it.
type TemplateStatusInfo struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// webhookEntryHeader is what an entry says about itself, beside its changes.
type webhookEntryHeader struct {
	ID   string
	Time time.Time
}

// readEntryHeader reads the entry's id and time. Neither matters to messages, so a value of the wrong
// kind is left empty rather than spoiling the entry.
func readEntryHeader(entry map[string]json.RawMessage) webhookEntryHeader {
	var header webhookEntryHeader
	if raw, ok := entry["id"]; ok {
		if id, err := decodeIdentifier(raw); err == nil {
			header.ID = id
		}
	}
	if raw, ok := entry["time"]; ok && !isNull(raw) {
		if at, err := parseUnixSeconds(raw); err == nil {
			header.Time = at
		}
	}
	return header
}

// parseTemplateStatus reads the value of a template status change. The event, the template's id, name
// and language must be there; the rest is optional, and an optional field of another kind than Meta
// documents is noted in Ignored and left out.
func parseTemplateStatus(value map[string]json.RawMessage, entry webhookEntryHeader, raw json.RawMessage) (TemplateStatusChange, error) {
	change := TemplateStatusChange{BusinessAccountID: entry.ID, At: entry.Time, Raw: raw}
	if err := requireString(value, "event", &change.Event); err != nil {
		return TemplateStatusChange{}, err
	}
	idRaw, ok := value["message_template_id"]
	if !ok || isNull(idRaw) {
		return TemplateStatusChange{}, fmt.Errorf("message_template_id: %w", errMissing)
	}
	id, err := decodeIdentifier(idRaw)
	if err != nil {
		return TemplateStatusChange{}, fmt.Errorf("message_template_id: %w", err)
	}
	change.TemplateID = id
	if err := requireString(value, "message_template_name", &change.Name); err != nil {
		return TemplateStatusChange{}, err
	}
	if err := requireString(value, "message_template_language", &change.Language); err != nil {
		return TemplateStatusChange{}, err
	}
	ignore := func(field string, err error) {
		change.Ignored = append(change.Ignored, field+": "+describeDecodeError(err))
	}
	if err := decodeField(value, "message_template_category", &change.Category); err != nil {
		ignore("message_template_category", err)
	}
	if err := decodeField(value, "reason", &change.Reason); err != nil {
		ignore("reason", err)
	}
	if raw, ok := value["rejection_info"]; ok && !isNull(raw) {
		rejection := &TemplateRejection{}
		if err := decodeStrictObject(raw, rejection); err != nil {
			ignore("rejection_info", err)
		} else {
			change.Rejection = rejection
		}
	}
	if raw, ok := value["other_info"]; ok && !isNull(raw) {
		info := &TemplateStatusInfo{}
		if err := decodeStrictObject(raw, info); err != nil {
			ignore("other_info", err)
		} else {
			change.Info = info
		}
	}
	if raw, ok := value["disable_info"]; ok && !isNull(raw) {
		var info map[string]json.RawMessage
		if err := decodeStrictObject(raw, &info); err != nil {
			ignore("disable_info", err)
		} else if date, ok := info["disable_date"]; ok && !isNull(date) {
			if change.DisabledAt, err = parseUnixSeconds(date); err != nil {
				ignore("disable_info.disable_date", err)
			}
		}
	}
	return change, nil
}

// decodeIdentifier reads an id Meta writes as a JSON number in some places and a string in others,
// keeping every digit (a float64 would round ids past 2^53).
func decodeIdentifier(raw json.RawMessage) (string, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		var number json.Number
		if err := json.Unmarshal(raw, &number); err != nil {
			return "", errors.New("not a number or a string")
		}
		text = number.String()
	}
	if text == "" {
		return "", errMissing
	}
	for _, digit := range []byte(text) {
		if digit < '0' || digit > '9' {
			return "", fmt.Errorf("%q is not a whole number", text)
		}
	}
	return text, nil
}

// parseUnixSeconds reads a time given as whole Unix seconds, a JSON number or a string of digits.
func parseUnixSeconds(raw json.RawMessage) (time.Time, error) {
	text, err := decodeIdentifier(raw)
	if err != nil {
		return time.Time{}, err
	}
	seconds, err := strconv.ParseInt(text, 10, 64)
	if err != nil || seconds <= 0 || seconds > latestUnixSecond {
		return time.Time{}, fmt.Errorf("%q is out of range", text)
	}
	return time.Unix(seconds, 0).UTC(), nil
}
