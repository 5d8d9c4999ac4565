package store

import (
	"context"
	"fmt"
)

// OutboxItem is an outbound message waiting for the Cloud API, with what is needed to send it.
type OutboxItem struct {
	Message       Message
	RecipientWAID string
	Attempts      int
}

// EnqueueOutbound stores an agent's message as queued together with its outbox row, so the message is
// durable before any network call.
func (c conn) EnqueueOutbound(ctx context.Context, m Message, now int64) (int64, error) {
	m.Direction = DirectionOut
	m.Status = StatusQueued
	m.StatusAt = now
	id, _, err := c.InsertMessage(ctx, m)
	if err != nil {
		return 0, err
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO outbox (message_id, contact_id, next_attempt_at) VALUES (?, ?, ?)`, id, m.ContactID, now); err != nil {
		return 0, fmt.Errorf("store: enqueue message %d: %w", id, classify(err))
	}
	return id, nil
}

// DueOutbox returns up to limit items whose next attempt is due and that are not being sent right now, at most
// one per contact: a message waits while an earlier one to the same contact is still in the outbox (waiting,
// backing off or in flight), so each customer gets their messages in commit order, across restarts too.
func (c conn) DueOutbox(ctx context.Context, now int64, limit int) ([]OutboxItem, error) {
	const q = `SELECT o.attempts, ct.wa_id, m.id FROM outbox o
		JOIN messages m ON m.id = o.message_id
		JOIN contacts ct ON ct.id = m.contact_id
		WHERE o.next_attempt_at <= ? AND o.in_flight_since = 0
			AND NOT EXISTS (SELECT 1 FROM outbox earlier WHERE earlier.contact_id = o.contact_id AND earlier.message_id < o.message_id)
		ORDER BY o.next_attempt_at, o.message_id LIMIT ?`
	rows, err := c.q.QueryContext(ctx, q, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", classify(err))
	}
	type due struct {
		attempts int
		waID     string
		id       int64
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.attempts, &d.waID, &d.id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: due outbox: %w", err)
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", classify(err))
	}
	items := make([]OutboxItem, 0, len(list))
	for _, d := range list {
		m, err := c.MessageByID(ctx, d.id)
		if err != nil {
			return nil, err
		}
		items = append(items, OutboxItem{Message: m, RecipientWAID: d.waID, Attempts: d.attempts})
	}
	return items, nil
}

// NextOutboxAttempt returns the earliest attempt of a waiting item due after now, or 0 when there is none.
// Items already due are left out: each is being sent, waits for a free sender or waits for an earlier message
// to the same contact, and the end of a send is what makes it worth another look.
func (c conn) NextOutboxAttempt(ctx context.Context, now int64) (int64, error) {
	var at int64
	const q = `SELECT COALESCE(MIN(next_attempt_at), 0) FROM outbox WHERE in_flight_since = 0 AND next_attempt_at > ?`
	err := c.q.QueryRowContext(ctx, q, now).Scan(&at)
	if err != nil {
		return 0, fmt.Errorf("store: next outbox attempt: %w", classify(err))
	}
	return at, nil
}

// MarkInFlight records that a send is starting. Should the process die before the outcome is stored, the
// row stays marked and RecoverInFlight fails it rather than risk sending the message twice.
func (c conn) MarkInFlight(ctx context.Context, messageID, now int64) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE outbox SET in_flight_since = ?, attempts = attempts + 1 WHERE message_id = ?`, now, messageID); err != nil {
		return fmt.Errorf("store: mark in flight %d: %w", messageID, classify(err))
	}
	return nil
}

// OutboxAccepted records the Cloud API's acceptance: the message gets its wamid and moves to sent, the outbox
// row goes, and any status report that overtook the response is applied. It returns the message afterwards.
func (c conn) OutboxAccepted(ctx context.Context, messageID int64, wamid string, now int64) (Message, error) {
	const q = `UPDATE messages SET wamid = ?, status = 'sent', status_at = ? WHERE id = ? AND status = 'queued'`
	if _, err := c.q.ExecContext(ctx, q, wamid, now, messageID); err != nil {
		return Message{}, fmt.Errorf("store: accept message %d: %w", messageID, classify(err))
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM outbox WHERE message_id = ?`, messageID); err != nil {
		return Message{}, fmt.Errorf("store: accept message %d: %w", messageID, classify(err))
	}
	pending, err := c.takePendingStatuses(ctx, wamid)
	if err != nil {
		return Message{}, err
	}
	for _, u := range pending {
		if _, _, err := c.ApplyStatus(ctx, u); err != nil {
			return Message{}, err
		}
	}
	return c.MessageByID(ctx, messageID)
}

// OutboxRetry schedules another attempt after a transient failure.
func (c conn) OutboxRetry(ctx context.Context, messageID, nextAttemptAt int64, lastError string) error {
	const q = `UPDATE outbox SET in_flight_since = 0, next_attempt_at = ?, last_error = ? WHERE message_id = ?`
	if _, err := c.q.ExecContext(ctx, q, nextAttemptAt, lastError, messageID); err != nil {
		return fmt.Errorf("store: retry message %d: %w", messageID, classify(err))
	}
	return nil
}

// OutboxUploadRetry schedules another attempt after uploading the message's file failed. The upload counts
// as an attempt (MarkInFlight counts sends), so a file WhatsApp never takes still ends after MaxAttempts.
func (c conn) OutboxUploadRetry(ctx context.Context, messageID, nextAttemptAt int64, lastError string) error {
	const q = `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE message_id = ?`
	if _, err := c.q.ExecContext(ctx, q, nextAttemptAt, lastError, messageID); err != nil {
		return fmt.Errorf("store: retry upload of message %d: %w", messageID, classify(err))
	}
	return nil
}

// OutboxFailed ends a send for good: the message is failed with the error shown to the agent.
func (c conn) OutboxFailed(ctx context.Context, messageID int64, code int, title, detail string, now int64) (Message, error) {
	const q = `UPDATE messages SET status = 'failed', status_at = ?, error_code = ?, error_title = ?, error_detail = ? WHERE id = ?`
	if _, err := c.q.ExecContext(ctx, q, now, code, title, detail, messageID); err != nil {
		return Message{}, fmt.Errorf("store: fail message %d: %w", messageID, classify(err))
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM outbox WHERE message_id = ?`, messageID); err != nil {
		return Message{}, fmt.Errorf("store: fail message %d: %w", messageID, classify(err))
	}
	return c.MessageByID(ctx, messageID)
}

// InFlightOutbox lists sends that were under way when the process stopped.
func (c conn) InFlightOutbox(ctx context.Context) ([]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT message_id FROM outbox WHERE in_flight_since > 0`)
	if err != nil {
		return nil, fmt.Errorf("store: in-flight outbox: %w", classify(err))
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// OutboxLength reports how many messages wait to be sent.
func (c conn) OutboxLength(ctx context.Context) (int, error) {
	var n int
	if err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: outbox length: %w", classify(err))
	}
	return n, nil
}
