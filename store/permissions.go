package store

import (
	"context"
	"fmt"
)

// UserPermissions lists the permissions granted to a user, sorted.
func (c conn) UserPermissions(ctx context.Context, userID int64) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT permission FROM user_permissions WHERE user_id = ? ORDER BY permission`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: permissions of user %d: %w", userID, classify(err))
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("store: permissions of user %d: %w", userID, err)
		}
		list = append(list, p)
	}
	return list, rows.Err()
}

// HasPermission reports whether a user was granted permission.
func (c conn) HasPermission(ctx context.Context, userID int64, permission string) (bool, error) {
	var n int
	const q = `SELECT COUNT(*) FROM user_permissions WHERE user_id = ? AND permission = ?`
	if err := c.q.QueryRowContext(ctx, q, userID, permission).Scan(&n); err != nil {
		return false, fmt.Errorf("store: permission %s of user %d: %w", permission, userID, classify(err))
	}
	return n > 0, nil
}

// SetUserPermissions replaces a user's permissions with exactly those given.
func (c conn) SetUserPermissions(ctx context.Context, userID int64, permissions []string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM user_permissions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: set permissions of user %d: %w", userID, classify(err))
	}
	for _, p := range permissions {
		if _, err := c.q.ExecContext(ctx, `INSERT OR IGNORE INTO user_permissions (user_id, permission) VALUES (?, ?)`, userID, p); err != nil {
			return fmt.Errorf("store: set permissions of user %d: %w", userID, classify(err))
		}
	}
	return nil
}
