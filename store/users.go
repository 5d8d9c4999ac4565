package store

import (
	"context"
	"database/sql"
	"fmt"
)

// User is a person who logs in: an agent, a supervisor or an admin.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string
	Role         string
	Active       bool
	Ready        bool
	ReadySince   int64
	CreatedAt    int64
	HighContrast bool
}

const userColumns = `id, username, display_name, password_hash, role, active, ready, ready_since, created_at, high_contrast`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.Active, &u.Ready, &u.ReadySince, &u.CreatedAt, &u.HighContrast)
	return u, err
}

// CreateUser inserts a user and returns its id; a taken username gives ErrConflict.
func (c conn) CreateUser(ctx context.Context, u User) (int64, error) {
	const q = `INSERT INTO users (username, display_name, password_hash, role, active, created_at) VALUES (?, ?, ?, ?, ?, ?)`
	res, err := c.q.ExecContext(ctx, q, u.Username, u.DisplayName, u.PasswordHash, u.Role, boolInt(u.Active), nowMillis())
	if err != nil {
		return 0, fmt.Errorf("store: create user %q: %w", u.Username, classify(err))
	}
	return res.LastInsertId()
}

// UserByID returns one user.
func (c conn) UserByID(ctx context.Context, id int64) (User, error) {
	const q = `SELECT ` + userColumns + ` FROM users WHERE id = ?`
	u, err := scanUser(c.q.QueryRowContext(ctx, q, id))
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, classify(err))
	}
	return u, nil
}

// UserByUsername returns one user by login name (case-insensitive).
func (c conn) UserByUsername(ctx context.Context, username string) (User, error) {
	const q = `SELECT ` + userColumns + ` FROM users WHERE username = ?`
	u, err := scanUser(c.q.QueryRowContext(ctx, q, username))
	if err != nil {
		return User{}, fmt.Errorf("store: user %q: %w", username, classify(err))
	}
	return u, nil
}

// CountUsers reports how many users exist (zero means a first start).
func (c conn) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", classify(err))
	}
	return n, nil
}

// ListUsers returns every user ordered by role then name.
func (c conn) ListUsers(ctx context.Context) ([]User, error) {
	const q = `SELECT ` + userColumns + ` FROM users ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'supervisor' THEN 1 ELSE 2 END, display_name`
	return c.queryUsers(ctx, q)
}

func (c conn) queryUsers(ctx context.Context, q string, args ...any) ([]User, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", classify(err))
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// UpdateUser changes a user's display name, role and active flag. Deactivating also ends their sessions and
// readiness, so access stops at once.
func (c conn) UpdateUser(ctx context.Context, id int64, displayName, role string, active bool) error {
	const q = `UPDATE users SET display_name = ?, role = ?, active = ?, ready = CASE WHEN ? THEN ready ELSE 0 END WHERE id = ?`
	res, err := c.q.ExecContext(ctx, q, displayName, role, boolInt(active), boolInt(active), id)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update user %d: %w", id, ErrNotFound)
	}
	if !active {
		return c.DeleteUserSessions(ctx, id, "")
	}
	return nil
}

// SetPassword stores a new password hash and ends every session of the user except keepSession (the one
// that made the change, or "" for none).
func (c conn) SetPassword(ctx context.Context, id int64, hash, keepSession string) error {
	res, err := c.q.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return fmt.Errorf("store: set password %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set password %d: %w", id, ErrNotFound)
	}
	return c.DeleteUserSessions(ctx, id, keepSession)
}

// SetReady records an agent's readiness on the WhatsApp channel; ready_since orders agents for routing.
func (c conn) SetReady(ctx context.Context, id int64, ready bool) error {
	const q = `UPDATE users SET ready = ?, ready_since = CASE WHEN ? AND ready = 0 THEN ? WHEN ? THEN ready_since ELSE 0 END WHERE id = ? AND active = 1`
	res, err := c.q.ExecContext(ctx, q, boolInt(ready), boolInt(ready), nowMillis(), boolInt(ready), id)
	if err != nil {
		return fmt.Errorf("store: set ready %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set ready %d: %w", id, ErrNotFound)
	}
	return nil
}

// AgentLoad is a user who can take WhatsApp interactions with how many they hold now.
type AgentLoad struct {
	User
	Open     int // offered or active interactions
	LoggedIn bool
	Declined int // times this agent declined the interaction being routed
}

// ReadyAgents lists active, ready agents with at least one live session, with their open interaction count
// and how often each declined interactionID, best candidate first: fewest declines, least loaded, longest ready.
func (c conn) ReadyAgents(ctx context.Context, interactionID int64, now int64) ([]AgentLoad, error) {
	const q = `SELECT ` + userColumns + `,
		(SELECT COUNT(*) FROM interactions i WHERE i.agent_id = users.id AND i.state IN ('offered', 'active')) AS open_count,
		(SELECT COUNT(*) FROM offer_declines d WHERE d.interaction_id = ? AND d.user_id = users.id) AS declined
		FROM users
		WHERE active = 1 AND ready = 1 AND role IN ('agent', 'supervisor', 'admin')
		  AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = users.id AND s.expires_at > ?)
		ORDER BY declined, open_count, ready_since, id`
	rows, err := c.q.QueryContext(ctx, q, interactionID, now)
	if err != nil {
		return nil, fmt.Errorf("store: ready agents: %w", classify(err))
	}
	defer rows.Close()
	var agents []AgentLoad
	for rows.Next() {
		var a AgentLoad
		u := &a.User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.Active, &u.Ready, &u.ReadySince, &u.CreatedAt, &u.HighContrast, &a.Open, &a.Declined); err != nil {
			return nil, fmt.Errorf("store: ready agents: %w", err)
		}
		a.LoggedIn = true
		agents = append(agents, a)
	}
	return agents, rows.Err()
}

// Presence lists every active user with readiness, whether they are logged in and their open interactions,
// for the supervisor's view.
func (c conn) Presence(ctx context.Context, now int64) ([]AgentLoad, error) {
	const q = `SELECT ` + userColumns + `,
		(SELECT COUNT(*) FROM interactions i WHERE i.agent_id = users.id AND i.state IN ('offered', 'active')),
		EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = users.id AND s.expires_at > ?)
		FROM users WHERE active = 1
		ORDER BY ready DESC, display_name`
	rows, err := c.q.QueryContext(ctx, q, now)
	if err != nil {
		return nil, fmt.Errorf("store: presence: %w", classify(err))
	}
	defer rows.Close()
	var agents []AgentLoad
	for rows.Next() {
		var a AgentLoad
		u := &a.User
		var loggedIn sql.NullBool
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.Active, &u.Ready, &u.ReadySince, &u.CreatedAt, &u.HighContrast, &a.Open, &loggedIn); err != nil {
			return nil, fmt.Errorf("store: presence: %w", err)
		}
		a.LoggedIn = loggedIn.Bool
		agents = append(agents, a)
	}
	return agents, rows.Err()
}

// SetHighContrast records the user's theme choice.
func (c conn) SetHighContrast(ctx context.Context, id int64, on bool) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE users SET high_contrast = ? WHERE id = ?`, boolInt(on), id); err != nil {
		return fmt.Errorf("store: set theme %d: %w", id, classify(err))
	}
	return nil
}
