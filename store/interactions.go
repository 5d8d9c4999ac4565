package store

import (
	"context"
	"fmt"
)

// Interaction states. An interaction is queued until routing offers it to an agent, active once accepted,
// done when the agent closes it.
const (
	StateQueued  = "queued"
	StateOffered = "offered"
	StateActive  = "active"
	StateDone    = "done"
)

// Interaction is one conversation session between a customer and the business on one business number.
type Interaction struct {
	ID             int64
	ContactID      int64
	PhoneNumberID  string
	State          string
	AgentID        int64 // 0 when nobody holds it
	OfferedAt      int64
	CreatedAt      int64
	AcceptedAt     int64
	ClosedAt       int64
	DispositionID  int64
	Note           string
	LastCustomerAt int64
	LastAgentAt    int64
	PendingSince   int64 // arrival of the first customer message not yet answered; 0 when answered
}

const interactionColumns = `id, contact_id, phone_number_id, state, COALESCE(agent_id, 0), offered_at, created_at, accepted_at,
	closed_at, COALESCE(disposition_id, 0), note, last_customer_at, last_agent_at, pending_since`

func scanInteraction(row interface{ Scan(...any) error }) (Interaction, error) {
	var i Interaction
	err := row.Scan(&i.ID, &i.ContactID, &i.PhoneNumberID, &i.State, &i.AgentID, &i.OfferedAt, &i.CreatedAt, &i.AcceptedAt,
		&i.ClosedAt, &i.DispositionID, &i.Note, &i.LastCustomerAt, &i.LastAgentAt, &i.PendingSince)
	return i, err
}

func (c conn) queryInteractions(ctx context.Context, op, q string, args ...any) ([]Interaction, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	defer rows.Close()
	var list []Interaction
	for rows.Next() {
		i, err := scanInteraction(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", op, err)
		}
		list = append(list, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	return list, nil
}

// InteractionByID returns one interaction.
func (c conn) InteractionByID(ctx context.Context, id int64) (Interaction, error) {
	i, err := scanInteraction(c.q.QueryRowContext(ctx, `SELECT `+interactionColumns+` FROM interactions WHERE id = ?`, id))
	if err != nil {
		return Interaction{}, fmt.Errorf("store: interaction %d: %w", id, classify(err))
	}
	return i, nil
}

// OpenInteraction returns the customer's not-yet-done interaction on a business number, or ErrNotFound.
func (c conn) OpenInteraction(ctx context.Context, contactID int64, phoneNumberID string) (Interaction, error) {
	const q = `SELECT ` + interactionColumns + ` FROM interactions WHERE contact_id = ? AND phone_number_id = ? AND state <> 'done'`
	i, err := scanInteraction(c.q.QueryRowContext(ctx, q, contactID, phoneNumberID))
	if err != nil {
		return Interaction{}, fmt.Errorf("store: open interaction of contact %d: %w", contactID, classify(err))
	}
	return i, nil
}

// CreateInteraction queues a new interaction.
func (c conn) CreateInteraction(ctx context.Context, contactID int64, phoneNumberID string, now int64) (Interaction, error) {
	const q = `INSERT INTO interactions (contact_id, phone_number_id, state, created_at) VALUES (?, ?, 'queued', ?) RETURNING ` + interactionColumns
	i, err := scanInteraction(c.q.QueryRowContext(ctx, q, contactID, phoneNumberID, now))
	if err != nil {
		return Interaction{}, fmt.Errorf("store: create interaction: %w", classify(err))
	}
	return i, nil
}

// TouchCustomer records the time of the customer's latest message; the first unanswered one starts the
// pending-response timer.
func (c conn) TouchCustomer(ctx context.Context, id, at int64) error {
	const q = `UPDATE interactions SET last_customer_at = MAX(last_customer_at, ?),
		pending_since = CASE WHEN pending_since = 0 THEN ? ELSE pending_since END WHERE id = ?`
	if _, err := c.q.ExecContext(ctx, q, at, at, id); err != nil {
		return fmt.Errorf("store: touch interaction %d: %w", id, classify(err))
	}
	return nil
}

// TouchAgent records the time of the agent's latest message, which answers the customer.
func (c conn) TouchAgent(ctx context.Context, id, at int64) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE interactions SET last_agent_at = MAX(last_agent_at, ?), pending_since = 0 WHERE id = ?`, at, id); err != nil {
		return fmt.Errorf("store: touch interaction %d: %w", id, classify(err))
	}
	return nil
}

// transition runs a guarded state change and reports whether the guard held.
func (c conn) transition(ctx context.Context, op string, id int64, q string, args ...any) (bool, error) {
	res, err := c.q.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("store: %s interaction %d: %w", op, id, classify(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: %s interaction %d: %w", op, id, err)
	}
	return n == 1, nil
}

// OfferInteraction moves a queued interaction to offered for agentID; false when it was no longer queued.
func (c conn) OfferInteraction(ctx context.Context, id, agentID, now int64) (bool, error) {
	return c.transition(ctx, "offer", id, `UPDATE interactions SET state = 'offered', agent_id = ?, offered_at = ? WHERE id = ? AND state = 'queued'`, agentID, now, id)
}

// AssignInteraction moves a queued interaction straight to active for agentID (auto-answer).
func (c conn) AssignInteraction(ctx context.Context, id, agentID, now int64) (bool, error) {
	return c.transition(ctx, "assign", id, `UPDATE interactions SET state = 'active', agent_id = ?, offered_at = ?, accepted_at = ? WHERE id = ? AND state = 'queued'`, agentID, now, now, id)
}

// AcceptInteraction moves an interaction offered to agentID to active.
func (c conn) AcceptInteraction(ctx context.Context, id, agentID, now int64) (bool, error) {
	return c.transition(ctx, "accept", id, `UPDATE interactions SET state = 'active', accepted_at = ? WHERE id = ? AND state = 'offered' AND agent_id = ?`, now, id, agentID)
}

// DeclineInteraction returns an interaction offered to agentID to the queue and records why.
func (c conn) DeclineInteraction(ctx context.Context, id, agentID int64, reason string, now int64) (bool, error) {
	ok, err := c.transition(ctx, "decline", id, `UPDATE interactions SET state = 'queued', agent_id = NULL, offered_at = 0 WHERE id = ? AND state = 'offered' AND agent_id = ?`, id, agentID)
	if err != nil || !ok {
		return ok, err
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO offer_declines (interaction_id, user_id, reason, at) VALUES (?, ?, ?, ?)`, id, agentID, reason, now); err != nil {
		return false, fmt.Errorf("store: decline interaction %d: %w", id, classify(err))
	}
	return true, nil
}

// CloseInteraction marks agentID's active interaction done with a disposition and note.
func (c conn) CloseInteraction(ctx context.Context, id, agentID, dispositionID int64, note string, now int64) (bool, error) {
	return c.transition(ctx, "close", id, `UPDATE interactions SET state = 'done', closed_at = ?, disposition_id = ?, note = ? WHERE id = ? AND state = 'active' AND agent_id = ?`,
		now, dispositionID, note, id, agentID)
}

// QueuedInteractions lists interactions waiting for an agent, oldest first.
func (c conn) QueuedInteractions(ctx context.Context) ([]Interaction, error) {
	return c.queryInteractions(ctx, "queued interactions", `SELECT `+interactionColumns+` FROM interactions WHERE state = 'queued' ORDER BY created_at, id`)
}

// ExpiredOffers lists offers made at or before deadline.
func (c conn) ExpiredOffers(ctx context.Context, deadline int64) ([]Interaction, error) {
	return c.queryInteractions(ctx, "expired offers", `SELECT `+interactionColumns+` FROM interactions WHERE state = 'offered' AND offered_at <= ? ORDER BY offered_at`, deadline)
}

// OffersOfAbsentAgents lists offers held by agents who are no longer ready or logged in, so they can go back
// to the queue at once instead of waiting for the timeout.
func (c conn) OffersOfAbsentAgents(ctx context.Context, now int64) ([]Interaction, error) {
	const q = `SELECT ` + interactionColumns + ` FROM interactions i WHERE state = 'offered' AND NOT EXISTS (
		SELECT 1 FROM users u WHERE u.id = i.agent_id AND u.ready = 1 AND u.active = 1
		AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.expires_at > ?))`
	return c.queryInteractions(ctx, "offers of absent agents", q, now)
}

// AgentInteractions lists what agentID holds now (offered and active), oldest first.
func (c conn) AgentInteractions(ctx context.Context, agentID int64) ([]Interaction, error) {
	return c.queryInteractions(ctx, "agent interactions", `SELECT `+interactionColumns+` FROM interactions WHERE agent_id = ? AND state IN ('offered', 'active') ORDER BY created_at, id`, agentID)
}

// ContactInteractions lists a contact's interactions, newest first.
func (c conn) ContactInteractions(ctx context.Context, contactID int64, limit int) ([]Interaction, error) {
	return c.queryInteractions(ctx, "contact interactions", `SELECT `+interactionColumns+` FROM interactions WHERE contact_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, contactID, limit)
}

// OpenInteractions lists every interaction not yet done, oldest first, for supervisors.
func (c conn) OpenInteractions(ctx context.Context) ([]Interaction, error) {
	return c.queryInteractions(ctx, "open interactions", `SELECT `+interactionColumns+` FROM interactions WHERE state <> 'done' ORDER BY created_at, id`)
}

// InteractionSummary is a row of a history list: the interaction with who handled it and how it ended.
type InteractionSummary struct {
	Interaction
	ContactWAID      string
	ContactName      string
	ContactProfile   string
	AgentName        string
	DispositionName  string
	MessageCount     int
	FirstMessageBody string
}

// RecentClosedInteractions lists closed interactions, newest first, for history views.
func (c conn) RecentClosedInteractions(ctx context.Context, contactID int64, limit int) ([]InteractionSummary, error) {
	const q = `SELECT i.id, i.contact_id, i.phone_number_id, i.state, COALESCE(i.agent_id, 0), i.offered_at, i.created_at, i.accepted_at,
		i.closed_at, COALESCE(i.disposition_id, 0), i.note, i.last_customer_at, i.last_agent_at, i.pending_since,
		ct.wa_id, ct.name, ct.profile_name, COALESCE(u.display_name, ''), COALESCE(d.name, ''),
		(SELECT COUNT(*) FROM messages m WHERE m.interaction_id = i.id),
		COALESCE((SELECT m.body FROM messages m WHERE m.interaction_id = i.id AND m.direction = 'in' ORDER BY m.id LIMIT 1), '')
		FROM interactions i
		JOIN contacts ct ON ct.id = i.contact_id
		LEFT JOIN users u ON u.id = i.agent_id
		LEFT JOIN dispositions d ON d.id = i.disposition_id
		WHERE (? = 0 OR i.contact_id = ?) AND i.state = 'done'
		ORDER BY i.closed_at DESC, i.id DESC LIMIT ?`
	rows, err := c.q.QueryContext(ctx, q, contactID, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: closed interactions: %w", classify(err))
	}
	defer rows.Close()
	var list []InteractionSummary
	for rows.Next() {
		var s InteractionSummary
		i := &s.Interaction
		if err := rows.Scan(&i.ID, &i.ContactID, &i.PhoneNumberID, &i.State, &i.AgentID, &i.OfferedAt, &i.CreatedAt, &i.AcceptedAt,
			&i.ClosedAt, &i.DispositionID, &i.Note, &i.LastCustomerAt, &i.LastAgentAt, &i.PendingSince,
			&s.ContactWAID, &s.ContactName, &s.ContactProfile, &s.AgentName, &s.DispositionName, &s.MessageCount, &s.FirstMessageBody); err != nil {
			return nil, fmt.Errorf("store: closed interactions: %w", err)
		}
		list = append(list, s)
	}
	return list, rows.Err()
}

// PreviousInteractions returns up to limit of a contact's interactions older than the one given (by start
// time, then id), newest first; phoneNumberID "" means on every business number.
func (c conn) PreviousInteractions(ctx context.Context, contactID int64, phoneNumberID string, before Interaction, limit int) ([]Interaction, error) {
	const q = `SELECT ` + interactionColumns + ` FROM interactions
		WHERE contact_id = ? AND (? = '' OR phone_number_id = ?) AND (created_at < ? OR (created_at = ? AND id < ?))
		ORDER BY created_at DESC, id DESC LIMIT ?`
	return c.queryInteractions(ctx, "previous interactions", q, contactID, phoneNumberID, phoneNumberID, before.CreatedAt, before.CreatedAt, before.ID, limit)
}
