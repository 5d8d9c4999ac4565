package store

import (
	"context"
	"fmt"
)

// Session is a server-side login record. ID is the hash of the cookie's token.
type Session struct {
	ID         string
	UserID     int64
	CreatedAt  int64
	LastSeenAt int64
	ExpiresAt  int64
}

// CreateSession records a new login.
func (c conn) CreateSession(ctx context.Context, s Session) error {
	const q = `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`
	if _, err := c.q.ExecContext(ctx, q, s.ID, s.UserID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt); err != nil {
		return fmt.Errorf("store: create session: %w", classify(err))
	}
	return nil
}

// SessionUser returns the live session with id and its user, provided the user is still active.
func (c conn) SessionUser(ctx context.Context, id string, now int64) (Session, User, error) {
	const q = `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
		u.id, u.username, u.display_name, u.password_hash, u.role, u.active, u.ready, u.ready_since, u.created_at, u.high_contrast
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires_at > ? AND u.active = 1`
	var s Session
	var u User
	err := c.q.QueryRowContext(ctx, q, id, now).Scan(&s.ID, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt,
		&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.Active, &u.Ready, &u.ReadySince, &u.CreatedAt, &u.HighContrast)
	if err != nil {
		return Session{}, User{}, fmt.Errorf("store: session: %w", classify(err))
	}
	return s, u, nil
}

// TouchSession slides a session's expiry forward.
func (c conn) TouchSession(ctx context.Context, id string, now, expiresAt int64) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?`, now, expiresAt, id); err != nil {
		return fmt.Errorf("store: touch session: %w", classify(err))
	}
	return nil
}

// DeleteSession ends one session (logout).
func (c conn) DeleteSession(ctx context.Context, id string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete session: %w", classify(err))
	}
	return nil
}

// DeleteUserSessions ends every session of a user except keep ("" ends all).
func (c conn) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keep); err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, classify(err))
	}
	return nil
}

// CountLiveSessions reports how many unexpired sessions a user has.
func (c conn) CountLiveSessions(ctx context.Context, userID, now int64) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = ? AND expires_at > ?`, userID, now).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count sessions: %w", classify(err))
	}
	return n, nil
}

// DeleteExpiredSessions removes sessions past their expiry.
func (c conn) DeleteExpiredSessions(ctx context.Context, now int64) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now); err != nil {
		return fmt.Errorf("store: delete expired sessions: %w", classify(err))
	}
	return nil
}
