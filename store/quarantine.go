package store

import (
	"context"
	"fmt"
)

// QuarantineItem is a webhook item kept verbatim because it could not be understood.
type QuarantineItem struct {
	ID         int64
	ReceivedAt int64
	Source     string
	Reason     string
	Raw        string
}

// AddQuarantine keeps a raw item with the reason it was refused.
func (c conn) AddQuarantine(ctx context.Context, source, reason, raw string, now int64) error {
	const q = `INSERT INTO quarantine (received_at, source, reason, raw) VALUES (?, ?, ?, ?)`
	if _, err := c.q.ExecContext(ctx, q, now, source, reason, raw); err != nil {
		return fmt.Errorf("store: quarantine: %w", classify(err))
	}
	return nil
}

// Quarantine lists the newest quarantined items.
func (c conn) Quarantine(ctx context.Context, limit int) ([]QuarantineItem, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, received_at, source, reason, raw FROM quarantine ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: quarantine: %w", classify(err))
	}
	defer rows.Close()
	var list []QuarantineItem
	for rows.Next() {
		var item QuarantineItem
		if err := rows.Scan(&item.ID, &item.ReceivedAt, &item.Source, &item.Reason, &item.Raw); err != nil {
			return nil, fmt.Errorf("store: quarantine: %w", err)
		}
		list = append(list, item)
	}
	return list, rows.Err()
}

// WebhookError is an account- or number-level error Meta reported in a webhook.
type WebhookError struct {
	ID            int64
	PhoneNumberID string
	Code          int
	Title         string
	Message       string
	Detail        string
	ReceivedAt    int64
}

// AddWebhookError records a value-level error.
func (c conn) AddWebhookError(ctx context.Context, e WebhookError) error {
	const q = `INSERT INTO webhook_errors (phone_number_id, code, title, message, detail, received_at) VALUES (?, ?, ?, ?, ?, ?)`
	if _, err := c.q.ExecContext(ctx, q, e.PhoneNumberID, e.Code, e.Title, e.Message, e.Detail, e.ReceivedAt); err != nil {
		return fmt.Errorf("store: webhook error: %w", classify(err))
	}
	return nil
}

// WebhookErrors lists the newest value-level errors.
func (c conn) WebhookErrors(ctx context.Context, limit int) ([]WebhookError, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, phone_number_id, code, title, message, detail, received_at FROM webhook_errors ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: webhook errors: %w", classify(err))
	}
	defer rows.Close()
	var list []WebhookError
	for rows.Next() {
		var e WebhookError
		if err := rows.Scan(&e.ID, &e.PhoneNumberID, &e.Code, &e.Title, &e.Message, &e.Detail, &e.ReceivedAt); err != nil {
			return nil, fmt.Errorf("store: webhook errors: %w", err)
		}
		list = append(list, e)
	}
	return list, rows.Err()
}
