package store

import (
	"context"
	"fmt"
)

// BusinessAttribute is a named list of values admins maintain, such as the emojis agents may insert.
type BusinessAttribute struct {
	ID     int64
	Name   string
	Values []string
}

// BusinessAttributes lists every attribute with its values.
func (c conn) BusinessAttributes(ctx context.Context) ([]BusinessAttribute, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT a.id, a.name, v.value FROM business_attributes a
		LEFT JOIN business_attribute_values v ON v.attribute_id = a.id ORDER BY a.name, v.position`)
	if err != nil {
		return nil, fmt.Errorf("store: business attributes: %w", classify(err))
	}
	defer rows.Close()
	var list []BusinessAttribute
	for rows.Next() {
		var id int64
		var name string
		var value *string
		if err := rows.Scan(&id, &name, &value); err != nil {
			return nil, fmt.Errorf("store: business attributes: %w", err)
		}
		if len(list) == 0 || list[len(list)-1].ID != id {
			list = append(list, BusinessAttribute{ID: id, Name: name})
		}
		if value != nil {
			list[len(list)-1].Values = append(list[len(list)-1].Values, *value)
		}
	}
	return list, rows.Err()
}

// BusinessAttributeValues returns the values of the attribute called name, or ErrNotFound.
func (c conn) BusinessAttributeValues(ctx context.Context, name string) ([]string, error) {
	var id int64
	if err := c.q.QueryRowContext(ctx, `SELECT id FROM business_attributes WHERE name = ?`, name).Scan(&id); err != nil {
		return nil, fmt.Errorf("store: business attribute %q: %w", name, classify(err))
	}
	rows, err := c.q.QueryContext(ctx, `SELECT value FROM business_attribute_values WHERE attribute_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: business attribute %q: %w", name, classify(err))
	}
	defer rows.Close()
	var values []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	return values, rows.Err()
}

// SaveBusinessAttribute creates or replaces the attribute called name with values.
func (c conn) SaveBusinessAttribute(ctx context.Context, name string, values []string) error {
	var id int64
	err := c.q.QueryRowContext(ctx, `INSERT INTO business_attributes (name) VALUES (?)
		ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id`, name).Scan(&id)
	if err != nil {
		return fmt.Errorf("store: save business attribute %q: %w", name, classify(err))
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM business_attribute_values WHERE attribute_id = ?`, id); err != nil {
		return fmt.Errorf("store: save business attribute %q: %w", name, classify(err))
	}
	for i, v := range values {
		if _, err := c.q.ExecContext(ctx, `INSERT INTO business_attribute_values (attribute_id, position, value) VALUES (?, ?, ?)`, id, i, v); err != nil {
			return fmt.Errorf("store: save business attribute %q: %w", name, classify(err))
		}
	}
	return nil
}

// DeleteBusinessAttribute removes an attribute and its values.
func (c conn) DeleteBusinessAttribute(ctx context.Context, id int64) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM business_attributes WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete business attribute %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete business attribute %d: %w", id, ErrNotFound)
	}
	return nil
}
