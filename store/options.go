package store

import (
	"context"
	"fmt"
)

// OptionValues returns every stored option value by name; options never set are absent.
func (c conn) OptionValues(ctx context.Context) (map[string]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT name, value FROM options`)
	if err != nil {
		return nil, fmt.Errorf("store: options: %w", classify(err))
	}
	defer rows.Close()
	values := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, fmt.Errorf("store: options: %w", err)
		}
		values[name] = value
	}
	return values, rows.Err()
}

// SetOption stores one option value.
func (c conn) SetOption(ctx context.Context, name, value string, by int64) error {
	const q = `INSERT INTO options (name, value, updated_at, updated_by) VALUES (?, ?, ?, NULLIF(?, 0))
		ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`
	if _, err := c.q.ExecContext(ctx, q, name, value, nowMillis(), by); err != nil {
		return fmt.Errorf("store: set option %s: %w", name, classify(err))
	}
	return nil
}
