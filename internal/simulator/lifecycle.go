package simulator

import (
	"time"
)

// errorCodesHref is where Meta's status errors point for an explanation.
const errorCodesHref = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

// reengagementError is what the Cloud API reports when a free-form message is sent
// outside the customer-service window.
func reengagementError() webhookStatusError {
	return webhookStatusError{
		Code:    131047,
		Title:   "Re-engagement message",
		Message: "Re-engagement message",
		ErrorData: webhookStatusErrorData{
			Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
		},
		Href: errorCodesHref,
	}
}

// undeliverableError is what the Cloud API reports when WhatsApp cannot reach the phone.
func undeliverableError() webhookStatusError {
	return webhookStatusError{
		Code:      131026,
		Title:     "Message undeliverable",
		Message:   "Message undeliverable",
		ErrorData: webhookStatusErrorData{Details: "Message Undeliverable."},
		Href:      errorCodesHref,
	}
}

// mediaDownloadError is what the Cloud API reports when the media a message refers to cannot be used.
func mediaDownloadError() webhookStatusError {
	return webhookStatusError{
		Code:      131053,
		Title:     "Media upload error",
		Message:   "Media upload error",
		ErrorData: webhookStatusErrorData{Details: "The media id does not refer to a file uploaded to this account."},
		Href:      errorCodesHref,
	}
}

// unknownMediaLocked reports whether a media message refers by id to a file nobody uploaded. The caller
// must hold s.mu.
func unknownMediaLocked(st *state, request *sendRequest) bool {
	media := mediaOf(request)
	if media == nil || media.ID == "" {
		return false
	}
	_, ok := st.media[media.ID]
	return !ok
}

// runStatusLifecycle plays out what happens to an accepted message: either one
// "failed" status, or "sent" then "delivered" (and "read" if the customer already
// looked), each after the configured delay.
func (s *Simulator) runStatusLifecycle(m *message, number BusinessNumber, category string, failure *webhookStatusError) {
	if !s.sleep(s.config.StatusDelay) {
		return
	}
	s.mu.Lock()
	if failure != nil {
		m.Status = statusFailed
		s.queueStatusLocked(m, number, webhookStatus{Errors: []webhookStatusError{*failure}})
		s.mu.Unlock()
		return
	}
	conversation := s.billingConversationLocked(conversationKey{m.WAID, m.PhoneNumberID}, category, time.Now())
	m.Status = statusSent
	s.queueStatusLocked(m, number, webhookStatus{
		Conversation: &webhookConversation{
			ID:                  conversation.ID,
			ExpirationTimestamp: unixString(conversation.Expires),
			Origin:              webhookConversationOrigin{Type: conversation.Category},
		},
		Pricing: pricing(conversation.Category),
	})
	s.mu.Unlock()

	if !s.sleep(s.config.StatusDelay) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m.Status = statusDelivered
	// Meta leaves the expiration out after the first status of a conversation.
	s.queueStatusLocked(m, number, webhookStatus{
		Conversation: &webhookConversation{
			ID:     conversation.ID,
			Origin: webhookConversationOrigin{Type: conversation.Category},
		},
		Pricing: pricing(conversation.Category),
	})
	s.publishLocked(*m)
	if m.readRequested {
		m.Status = statusRead
		s.queueStatusLocked(m, number, webhookStatus{})
	}
}

// pricing is the pricing object Meta attaches to sent and delivered statuses;
// service conversations have been free since November 2024.
func pricing(category string) *webhookPricing {
	return &webhookPricing{
		Billable:     category != "service",
		PricingModel: "CBP",
		Category:     category,
	}
}

// billingConversationLocked returns the open conversation of this category or opens
// a new 24-hour one, as Meta's conversation-based pricing does. The caller must hold s.mu.
func (s *Simulator) billingConversationLocked(key conversationKey, category string, now time.Time) billingConversation {
	existing, ok := s.state.conversations[key]
	if ok && existing.Category == category && now.Before(existing.Expires) {
		return *existing
	}
	opened := &billingConversation{ID: newConversationID(), Category: category, Expires: now.Add(customerServiceWindow)}
	s.state.conversations[key] = opened
	return *opened
}

// queueStatusLocked fills in the common fields of a status and queues its webhook.
// The caller must hold s.mu.
func (s *Simulator) queueStatusLocked(m *message, number BusinessNumber, status webhookStatus) {
	status.ID = m.WAMID
	status.Status = m.Status
	status.Timestamp = unixString(time.Now())
	status.RecipientID = m.WAID
	status.BizOpaqueCallbackData = m.CallbackData
	body, err := envelope(webhookValue{
		MessagingProduct: "whatsapp",
		Metadata:         metadata(number),
		Statuses:         []webhookStatus{status},
	})
	if err != nil {
		s.logger.Error("simulator: status webhook not queued", "wamid", m.WAMID, "status", m.Status, "error", err)
		return
	}
	s.enqueueWebhookLocked(m.WAID, webhookJob{body: body, description: "status " + m.Status + " " + m.WAMID})
}

// markRead makes the customer read every business message they have (optionally only
// those from one business number). Messages not yet delivered are read as soon as
// they are, so the product never sees "read" before "delivered". It returns how many
// messages were or will be marked.
func (s *Simulator) markRead(waID, phoneNumberID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	marked := 0
	for _, m := range s.state.byCustomer[waID] {
		if m.Direction != directionToCustomer || (phoneNumberID != "" && m.PhoneNumberID != phoneNumberID) {
			continue
		}
		switch m.Status {
		case statusDelivered:
			number, ok := s.number(m.PhoneNumberID)
			if !ok {
				continue
			}
			m.Status = statusRead
			s.queueStatusLocked(m, number, webhookStatus{})
			marked++
		case statusAccepted, statusSent:
			if !m.readRequested {
				m.readRequested = true
				marked++
			}
		}
	}
	return marked
}
