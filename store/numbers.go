package store

import (
	"context"
	"fmt"
)

// BusinessNumber is one WhatsApp business phone number of the account.
type BusinessNumber struct {
	PhoneNumberID string
	DisplayNumber string
	CreatedAt     int64
}

// UpsertBusinessNumber adds a number or updates its display form.
func (c conn) UpsertBusinessNumber(ctx context.Context, phoneNumberID, displayNumber string) error {
	const q = `INSERT INTO business_numbers (phone_number_id, display_number, created_at) VALUES (?, ?, ?)
		ON CONFLICT(phone_number_id) DO UPDATE SET display_number = excluded.display_number`
	if _, err := c.q.ExecContext(ctx, q, phoneNumberID, displayNumber, nowMillis()); err != nil {
		return fmt.Errorf("store: upsert number %s: %w", phoneNumberID, classify(err))
	}
	return nil
}

// DeleteBusinessNumber removes a number; its past messages stay.
func (c conn) DeleteBusinessNumber(ctx context.Context, phoneNumberID string) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM business_numbers WHERE phone_number_id = ?`, phoneNumberID)
	if err != nil {
		return fmt.Errorf("store: delete number %s: %w", phoneNumberID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete number %s: %w", phoneNumberID, ErrNotFound)
	}
	return nil
}

// BusinessNumbers lists the account's numbers.
func (c conn) BusinessNumbers(ctx context.Context) ([]BusinessNumber, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT phone_number_id, display_number, created_at FROM business_numbers ORDER BY created_at, phone_number_id`)
	if err != nil {
		return nil, fmt.Errorf("store: numbers: %w", classify(err))
	}
	defer rows.Close()
	var numbers []BusinessNumber
	for rows.Next() {
		var n BusinessNumber
		if err := rows.Scan(&n.PhoneNumberID, &n.DisplayNumber, &n.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: numbers: %w", err)
		}
		numbers = append(numbers, n)
	}
	return numbers, rows.Err()
}
