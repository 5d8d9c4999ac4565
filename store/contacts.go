package store

import (
	"context"
	"fmt"
)

// Contact is a customer known by their WhatsApp id (their phone number in international form, digits only).
type Contact struct {
	ID          int64
	WAID        string
	Name        string // from the contact database; empty when unknown
	ProfileName string // the name the customer set in WhatsApp
	CreatedAt   int64
	UpdatedAt   int64
}

const contactColumns = `id, wa_id, name, profile_name, created_at, updated_at`

func scanContact(row interface{ Scan(...any) error }) (Contact, error) {
	var ct Contact
	err := row.Scan(&ct.ID, &ct.WAID, &ct.Name, &ct.ProfileName, &ct.CreatedAt, &ct.UpdatedAt)
	return ct, err
}

// EnsureContact returns the contact with waID, creating it when new; a non-empty profileName refreshes the
// stored WhatsApp profile name.
func (c conn) EnsureContact(ctx context.Context, waID, profileName string, now int64) (Contact, error) {
	const q = `INSERT INTO contacts (wa_id, profile_name, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(wa_id) DO UPDATE SET
			profile_name = CASE WHEN excluded.profile_name <> '' THEN excluded.profile_name ELSE contacts.profile_name END,
			updated_at = CASE WHEN excluded.profile_name <> '' AND excluded.profile_name <> contacts.profile_name THEN excluded.updated_at ELSE contacts.updated_at END
		RETURNING ` + contactColumns
	ct, err := scanContact(c.q.QueryRowContext(ctx, q, waID, profileName, now, now))
	if err != nil {
		return Contact{}, fmt.Errorf("store: ensure contact %s: %w", waID, classify(err))
	}
	return ct, nil
}

// ContactByID returns one contact.
func (c conn) ContactByID(ctx context.Context, id int64) (Contact, error) {
	ct, err := scanContact(c.q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE id = ?`, id))
	if err != nil {
		return Contact{}, fmt.Errorf("store: contact %d: %w", id, classify(err))
	}
	return ct, nil
}

// SetContactName records the contact-database name of a customer.
func (c conn) SetContactName(ctx context.Context, id int64, name string) error {
	res, err := c.q.ExecContext(ctx, `UPDATE contacts SET name = ?, updated_at = ? WHERE id = ?`, name, nowMillis(), id)
	if err != nil {
		return fmt.Errorf("store: contact %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: contact %d: %w", id, ErrNotFound)
	}
	return nil
}

// SearchContacts finds contacts whose name, profile name or number contains term, most recent first.
func (c conn) SearchContacts(ctx context.Context, term string, limit int) ([]Contact, error) {
	const q = `SELECT ` + contactColumns + ` FROM contacts
		WHERE ? = '' OR name LIKE '%' || ? || '%' OR profile_name LIKE '%' || ? || '%' OR wa_id LIKE '%' || ? || '%'
		ORDER BY updated_at DESC LIMIT ?`
	rows, err := c.q.QueryContext(ctx, q, term, term, term, term, limit)
	if err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", classify(err))
	}
	defer rows.Close()
	var list []Contact
	for rows.Next() {
		ct, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("store: search contacts: %w", err)
		}
		list = append(list, ct)
	}
	return list, rows.Err()
}

// ContactByWAID returns the contact with a WhatsApp id.
func (c conn) ContactByWAID(ctx context.Context, waID string) (Contact, error) {
	ct, err := scanContact(c.q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE wa_id = ?`, waID))
	if err != nil {
		return Contact{}, fmt.Errorf("store: contact %s: %w", waID, classify(err))
	}
	return ct, nil
}

// CreateContact adds a contact-database entry; an existing WhatsApp id gives ErrConflict.
func (c conn) CreateContact(ctx context.Context, waID, name string, now int64) (Contact, error) {
	const q = `INSERT INTO contacts (wa_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING ` + contactColumns
	ct, err := scanContact(c.q.QueryRowContext(ctx, q, waID, name, now, now))
	if err != nil {
		return Contact{}, fmt.Errorf("store: create contact %s: %w", waID, classify(err))
	}
	return ct, nil
}

// ChangeContactWAID moves a contact to a new WhatsApp id (the customer changed number); ErrConflict when
// another contact already has it.
func (c conn) ChangeContactWAID(ctx context.Context, id int64, waID string, now int64) error {
	res, err := c.q.ExecContext(ctx, `UPDATE contacts SET wa_id = ?, updated_at = ? WHERE id = ?`, waID, now, id)
	if err != nil {
		return fmt.Errorf("store: change number of contact %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: change number of contact %d: %w", id, ErrNotFound)
	}
	return nil
}
