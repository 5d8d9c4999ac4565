package notify

import (
	"strings"

	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// templateReasons words the reasons WhatsApp gives for rejecting a template.
var templateReasons = map[string]string{
	"ABUSIVE_CONTENT":        "its content breaks WhatsApp's policies",
	"CATEGORY_NOT_AVAILABLE": "its category is not available for this account",
	"INCORRECT_CATEGORY":     "its content does not match its category",
	"INVALID_FORMAT":         "its format is invalid",
	"PROMOTIONAL":            "its content is promotional, which its category does not allow",
	"SCAM":                   "WhatsApp judged it a scam",
	"TAG_CONTENT_MISMATCH":   "its content does not match its category",
}

// Review words WhatsApp's news about a template (a template status webhook) for the notification
// registered as it: the status to record and a sentence saying what happened and why.
//
// The status is what WhatsApp's template list would now say: an event that returns a template to use
// (REINSTATED, UNARCHIVED) records APPROVED; a flag for low quality or a lock keeps the status (the
// template can still be sent); any other event, known or new, is recorded as it is named.
func Review(change whatsapp.TemplateStatusChange) store.TemplateReview {
	review := store.TemplateReview{TemplateID: change.TemplateID, Name: change.Name, Language: change.Language, Status: change.Event}
	if !change.At.IsZero() {
		review.At = change.At.UnixMilli()
	}
	reason := change.Reason
	if reason == whatsapp.TemplateReasonNone {
		reason = ""
	}
	var sentence string
	switch change.Event {
	case whatsapp.TemplateEventApproved:
	case whatsapp.TemplateEventReinstated:
		review.Status = whatsapp.TemplateStatusApproved
		sentence = "Reinstated by WhatsApp: it can be sent again."
	case whatsapp.TemplateEventUnarchived:
		review.Status = whatsapp.TemplateStatusApproved
		sentence = "Unarchived in WhatsApp Manager."
	case whatsapp.TemplateEventRejected:
		sentence = "Rejected by WhatsApp."
		if reason != "" {
			sentence = "Rejected by WhatsApp (" + reason + ")."
			if words, ok := templateReasons[reason]; ok {
				sentence = "Rejected by WhatsApp (" + reason + "): " + words + "."
			}
			reason = ""
		}
	case whatsapp.TemplateEventPending:
		sentence = "Waiting for WhatsApp's review."
	case whatsapp.TemplateEventPaused:
		sentence = "Paused by WhatsApp after customers' negative feedback; it cannot be sent until the pause ends."
	case whatsapp.TemplateEventDisabled:
		sentence = "Disabled by WhatsApp after repeated negative feedback; it can no longer be sent."
	case whatsapp.TemplateEventFlagged:
		review.KeepStatus = true
		sentence = "Flagged by WhatsApp for customers' negative feedback: it can still be sent, but may be paused or disabled."
	case whatsapp.TemplateEventInAppeal:
		sentence = "The rejection is under appeal with WhatsApp."
	case whatsapp.TemplateEventPendingDeletion, whatsapp.TemplateEventDeleted:
		sentence = "Deleted in WhatsApp; it can no longer be sent."
	case whatsapp.TemplateEventArchived:
		sentence = "Archived in WhatsApp Manager; it cannot be sent while archived."
	case whatsapp.TemplateEventLimitExceeded:
		// News about the account, not this template: it stays as sendable as it was.
		review.KeepStatus = true
		sentence = "The WhatsApp Business Account has reached its limit of templates."
	case whatsapp.TemplateEventLocked:
		review.KeepStatus = true
		sentence = "Locked by WhatsApp: it cannot be edited."
	case whatsapp.TemplateEventUnlocked:
		review.KeepStatus = true
		sentence = "Unlocked by WhatsApp: it can be edited again."
	default:
		// An event this version does not know is reported, but does not block a template WhatsApp may still
		// deliver; the next synchronisation at start records its real status.
		review.KeepStatus = true
		sentence = "WhatsApp reported " + change.Event + "."
	}
	parts := []string{sentence}
	if reason != "" {
		parts = append(parts, "Reason: "+reason+".")
	}
	if r := change.Rejection; r != nil {
		parts = append(parts, strings.TrimSpace(r.Reason), strings.TrimSpace(r.Recommendation))
	}
	if info := change.Info; info != nil {
		switch {
		case info.Title != "" && info.Description != "":
			parts = append(parts, info.Title+": "+info.Description)
		default:
			parts = append(parts, info.Title+info.Description)
		}
	}
	review.Detail = strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
	return review
}

// Unsendable says why agents may not send a notification now, or "" when they may. WhatsApp refuses
// messages with a template it has not approved (waiting for review, rejected, paused, disabled,
// deleted, ...). A notification whose status Switchboard does not know (no account to register it
// with, so it was created by hand in WhatsApp Manager; or WhatsApp could not be reached) is let
// through, and WhatsApp decides.
func Unsendable(response store.Response) string {
	if response.Kind != KindNotification || response.WAStatus == "" || response.WAStatus == whatsapp.TemplateStatusApproved {
		return ""
	}
	text := "WhatsApp does not allow this notification to be sent: its template is " + response.WAStatus + ", not APPROVED."
	if response.WADetail != "" {
		text += " " + response.WADetail
	}
	return text + " An admin can see it under Admin → Responses."
}
