package simulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// signatureHeader is the header Meta signs webhook bodies in.
const signatureHeader = "X-Hub-Signature-256"

// sign computes the X-Hub-Signature-256 value for body.
func (s *Simulator) sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(s.config.AppSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// envelope wraps one change value the way every WhatsApp webhook is wrapped.
func envelope(value webhookValue) ([]byte, error) {
	body, err := json.Marshal(webhookEnvelope{
		Object: "whatsapp_business_account",
		Entry: []webhookEntry{{
			ID:      accountID,
			Changes: []webhookChange{{Value: value, Field: "messages"}},
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("simulator: encode webhook: %w", err)
	}
	return body, nil
}

// metadata describes the business number a webhook is about.
func metadata(number BusinessNumber) webhookMetadata {
	return webhookMetadata{
		DisplayPhoneNumber: digitsOnly(number.DisplayNumber),
		PhoneNumberID:      number.PhoneNumberID,
	}
}

// enqueueWebhookLocked queues a webhook behind the customer's earlier ones, starting
// the queue's drain goroutine when idle. Queues are per customer so one customer's
// statuses and messages arrive in order while customers don't wait for each other.
// The caller must hold s.mu.
func (s *Simulator) enqueueWebhookLocked(waID string, job webhookJob) {
	queue, ok := s.state.queues[waID]
	if !ok {
		queue = &webhookQueue{}
		s.state.queues[waID] = queue
	}
	queue.jobs = append(queue.jobs, job)
	if queue.draining {
		return
	}
	queue.draining = true
	if !s.startBackground(func() { s.drainWebhooks(waID) }) {
		queue.draining = false
		s.abandonQueueLocked(waID)
	}
}

// abandonQueueLocked tells anyone waiting on a queued webhook that it will not be sent.
// The caller must hold s.mu.
func (s *Simulator) abandonQueueLocked(waID string) {
	queue, ok := s.state.queues[waID]
	if !ok {
		return
	}
	for _, job := range queue.jobs {
		if job.result != nil {
			job.result <- webhookResult{err: fmt.Errorf("simulator: closed before the webhook was sent")}
		}
	}
	delete(s.state.queues, waID)
}

// drainWebhooks posts a customer's queued webhooks one at a time until the queue is empty.
func (s *Simulator) drainWebhooks(waID string) {
	for {
		s.mu.Lock()
		queue := s.state.queues[waID]
		if queue == nil || len(queue.jobs) == 0 || s.isClosing() {
			s.abandonQueueLocked(waID)
			s.mu.Unlock()
			return
		}
		job := queue.jobs[0]
		queue.jobs = queue.jobs[1:]
		s.mu.Unlock()

		result := s.deliverWithRetry(job)
		if job.result != nil {
			job.result <- result
		}
	}
}

// deliverWithRetry posts one webhook, retrying with doubling backoff like Meta does
// while the product is down or answering errors.
func (s *Simulator) deliverWithRetry(job webhookJob) webhookResult {
	delay := s.retryBaseDelay
	var result webhookResult
	for attempt := 1; ; attempt++ {
		result = s.deliver(job.body)
		if result.err == nil {
			return result
		}
		if attempt >= s.retryMaxAttempts {
			s.logger.Error("simulator: webhook given up",
				"webhook", job.description, "attempts", attempt, "status", result.statusCode, "error", result.err)
			return result
		}
		s.logger.Warn("simulator: webhook failed, will retry",
			"webhook", job.description, "attempt", attempt, "status", result.statusCode, "error", result.err, "retry_in", delay)
		if !s.sleep(delay) {
			return result
		}
		delay = min(delay*2, s.retryMaxDelay)
	}
}

// deliver makes one attempt; anything but a 2xx answer counts as failure.
func (s *Simulator) deliver(body []byte) webhookResult {
	request, err := http.NewRequestWithContext(s.deliveryContext, http.MethodPost, s.config.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return webhookResult{err: fmt.Errorf("simulator: build webhook request: %w", err)}
	}
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set(signatureHeader, s.sign(body))
	request.Header.Set("User-Agent", "facebookexternalua")
	started := time.Now()
	response, err := s.client.Do(request)
	if err != nil {
		return webhookResult{err: fmt.Errorf("simulator: post webhook: %w", err)}
	}
	defer response.Body.Close()
	// Drain so the connection can be reused; the product's answer body means nothing to Meta.
	_, _ = io.Copy(io.Discard, io.LimitReader(response.Body, 64<<10))
	if response.StatusCode < 200 || response.StatusCode > 299 {
		return webhookResult{
			statusCode: response.StatusCode,
			err:        fmt.Errorf("simulator: post webhook: product answered %d", response.StatusCode),
		}
	}
	s.logger.Debug("simulator: webhook delivered", "status", response.StatusCode, "duration", time.Since(started))
	return webhookResult{statusCode: response.StatusCode}
}
