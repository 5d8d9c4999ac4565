package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Message directions.
const (
	DirectionIn     = "in"     // from the customer
	DirectionOut    = "out"    // from an agent
	DirectionSystem = "system" // notices and errors shown centred
)

// Message statuses. Inbound messages are "received"; system lines are "notice"; outbound ones move forward
// through queued → sent → delivered → read, or end failed.
const (
	StatusReceived  = "received"
	StatusNotice    = "notice"
	StatusQueued    = "queued"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// Message is one line of a transcript.
type Message struct {
	ID            int64
	InteractionID int64
	ContactID     int64
	PhoneNumberID string
	Direction     string
	Kind          string // WhatsApp message type, or "notice"/"error" for system lines
	WAMID         string
	Body          string // text, or a media caption
	MediaID       string
	MediaMIME     string
	MediaFilename string
	Payload       string // the kind-specific part as JSON (location, contacts, reply, reaction, raw)
	ReplyToWAMID  string
	Status        string
	ErrorCode     int
	ErrorTitle    string
	ErrorDetail   string
	AuthorID      int64
	OriginatedAt  int64 // when the sender says it was written
	ReceivedAt    int64 // when it reached Switchboard
	StatusAt      int64
}

const messageColumns = `id, interaction_id, contact_id, phone_number_id, direction, kind, COALESCE(wamid, ''), body, media_id,
	media_mime, media_filename, payload, reply_to_wamid, status, error_code, error_title, error_detail, COALESCE(author_id, 0),
	originated_at, received_at, status_at`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.InteractionID, &m.ContactID, &m.PhoneNumberID, &m.Direction, &m.Kind, &m.WAMID, &m.Body, &m.MediaID,
		&m.MediaMIME, &m.MediaFilename, &m.Payload, &m.ReplyToWAMID, &m.Status, &m.ErrorCode, &m.ErrorTitle, &m.ErrorDetail, &m.AuthorID,
		&m.OriginatedAt, &m.ReceivedAt, &m.StatusAt)
	return m, err
}

func (c conn) queryMessages(ctx context.Context, op, q string, args ...any) ([]Message, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	defer rows.Close()
	var list []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", op, err)
		}
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	return list, nil
}

// InsertMessage stores a message. A message whose wamid is already stored is not inserted again: inserted is
// false and the existing row is left untouched, which makes webhook redelivery a no-op.
func (c conn) InsertMessage(ctx context.Context, m Message) (id int64, inserted bool, err error) {
	const q = `INSERT INTO messages (interaction_id, contact_id, phone_number_id, direction, kind, wamid, body, media_id, media_mime,
		media_filename, payload, reply_to_wamid, status, error_code, error_title, error_detail, author_id, originated_at, received_at, status_at)
		VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?)
		ON CONFLICT(wamid) DO NOTHING`
	res, err := c.q.ExecContext(ctx, q, m.InteractionID, m.ContactID, m.PhoneNumberID, m.Direction, m.Kind, m.WAMID, m.Body, m.MediaID,
		m.MediaMIME, m.MediaFilename, m.Payload, m.ReplyToWAMID, m.Status, m.ErrorCode, m.ErrorTitle, m.ErrorDetail, m.AuthorID,
		m.OriginatedAt, m.ReceivedAt, m.StatusAt)
	if err != nil {
		return 0, false, fmt.Errorf("store: insert message: %w", classify(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, false, fmt.Errorf("store: insert message: %w", err)
	}
	if n == 0 {
		return 0, false, nil
	}
	id, err = res.LastInsertId()
	return id, true, err
}

// MessageExists reports whether a message with wamid is stored.
func (c conn) MessageExists(ctx context.Context, wamid string) (bool, error) {
	var n int
	if err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE wamid = ?`, wamid).Scan(&n); err != nil {
		return false, fmt.Errorf("store: message %s: %w", wamid, classify(err))
	}
	return n > 0, nil
}

// MessageByID returns one message.
func (c conn) MessageByID(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(c.q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ?`, id))
	if err != nil {
		return Message{}, fmt.Errorf("store: message %d: %w", id, classify(err))
	}
	return m, nil
}

// MessageByWAMID returns one message by its WhatsApp id.
func (c conn) MessageByWAMID(ctx context.Context, wamid string) (Message, error) {
	m, err := scanMessage(c.q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE wamid = ?`, wamid))
	if err != nil {
		return Message{}, fmt.Errorf("store: message %s: %w", wamid, classify(err))
	}
	return m, nil
}

// InteractionMessages returns an interaction's transcript in arrival order.
func (c conn) InteractionMessages(ctx context.Context, interactionID int64) ([]Message, error) {
	return c.queryMessages(ctx, "interaction messages", `SELECT `+messageColumns+` FROM messages WHERE interaction_id = ? ORDER BY id`, interactionID)
}

// FirstCustomerMessage returns the first inbound message of an interaction, for previews.
func (c conn) FirstCustomerMessage(ctx context.Context, interactionID int64) (Message, error) {
	const q = `SELECT ` + messageColumns + ` FROM messages WHERE interaction_id = ? AND direction = 'in' ORDER BY id LIMIT 1`
	m, err := scanMessage(c.q.QueryRowContext(ctx, q, interactionID))
	if err != nil {
		return Message{}, fmt.Errorf("store: first message of interaction %d: %w", interactionID, classify(err))
	}
	return m, nil
}

// LatestShownTimeBefore returns, among an interaction's messages stored before beforeID, the latest time a
// transcript shows: the origination time of messages delayed by more than delayMillis, the arrival time of
// the others. A message whose shown time is earlier is out of chronological order.
func (c conn) LatestShownTimeBefore(ctx context.Context, interactionID, beforeID, delayMillis int64) (int64, error) {
	const q = `SELECT MAX(CASE WHEN received_at - originated_at > ? THEN originated_at ELSE received_at END)
		FROM messages WHERE interaction_id = ? AND id < ? AND kind <> 'reaction'`
	var at sql.NullInt64
	if err := c.q.QueryRowContext(ctx, q, delayMillis, interactionID, beforeID).Scan(&at); err != nil {
		return 0, fmt.Errorf("store: latest shown time: %w", classify(err))
	}
	return at.Int64, nil
}

// StatusUpdate is a delivery report about an outbound message.
type StatusUpdate struct {
	WAMID       string
	Status      string
	At          int64
	ErrorCode   int
	ErrorTitle  string
	ErrorDetail string
}

// ApplyStatus moves the outbound message with u.WAMID forward to u.Status. Statuses only move forward
// (queued → sent → delivered → read; failed from anything but read), so a late report never overwrites a
// newer one. It returns the message as it is afterwards and whether it changed; an unknown wamid gives
// ErrNotFound.
func (c conn) ApplyStatus(ctx context.Context, u StatusUpdate) (Message, bool, error) {
	const q = `UPDATE messages SET status = ?, status_at = ?,
		error_code = CASE WHEN ? = 'failed' THEN ? ELSE error_code END,
		error_title = CASE WHEN ? = 'failed' THEN ? ELSE error_title END,
		error_detail = CASE WHEN ? = 'failed' THEN ? ELSE error_detail END
		WHERE wamid = ? AND direction = 'out' AND (
			(? = 'failed' AND status IN ('queued', 'sent', 'delivered')) OR
			(? <> 'failed' AND status <> 'failed' AND
				(CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 9 END) <
				(CASE ? WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE -1 END)))`
	res, err := c.q.ExecContext(ctx, q, u.Status, u.At, u.Status, u.ErrorCode, u.Status, u.ErrorTitle, u.Status, u.ErrorDetail,
		u.WAMID, u.Status, u.Status, u.Status)
	if err != nil {
		return Message{}, false, fmt.Errorf("store: apply status %s: %w", u.WAMID, classify(err))
	}
	n, _ := res.RowsAffected()
	m, err := c.MessageByWAMID(ctx, u.WAMID)
	if err != nil {
		return Message{}, false, err
	}
	return m, n > 0, nil
}

// SavePendingStatus keeps a status report whose message is not known yet (the webhook overtook the send
// response); AttachWAMID applies it later.
func (c conn) SavePendingStatus(ctx context.Context, u StatusUpdate, now int64) error {
	const q = `INSERT INTO pending_statuses (wamid, status, at, error_code, error_title, error_detail, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if _, err := c.q.ExecContext(ctx, q, u.WAMID, u.Status, u.At, u.ErrorCode, u.ErrorTitle, u.ErrorDetail, now); err != nil {
		return fmt.Errorf("store: pending status %s: %w", u.WAMID, classify(err))
	}
	return nil
}

// takePendingStatuses removes and returns the waiting reports for wamid in the order they came.
func (c conn) takePendingStatuses(ctx context.Context, wamid string) ([]StatusUpdate, error) {
	rows, err := c.q.QueryContext(ctx, `DELETE FROM pending_statuses WHERE wamid = ? RETURNING status, at, error_code, error_title, error_detail, id`, wamid)
	if err != nil {
		return nil, fmt.Errorf("store: pending statuses %s: %w", wamid, classify(err))
	}
	defer rows.Close()
	type pending struct {
		StatusUpdate
		id int64
	}
	var list []pending
	for rows.Next() {
		p := pending{StatusUpdate: StatusUpdate{WAMID: wamid}}
		if err := rows.Scan(&p.Status, &p.At, &p.ErrorCode, &p.ErrorTitle, &p.ErrorDetail, &p.id); err != nil {
			return nil, fmt.Errorf("store: pending statuses %s: %w", wamid, err)
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	updates := make([]StatusUpdate, len(list))
	for i := range list {
		// RETURNING gives no order guarantee; ids record arrival order.
		for j := i + 1; j < len(list); j++ {
			if list[j].id < list[i].id {
				list[i], list[j] = list[j], list[i]
			}
		}
		updates[i] = list[i].StatusUpdate
	}
	return updates, nil
}

// customerWindowQuery is ordered and limited rather than a MAX(), so SQLite reads the newest entry of
// messages_customer_window instead of every entry of the contact.
const customerWindowQuery = `SELECT MIN(originated_at, received_at) FROM messages
	WHERE contact_id = ? AND phone_number_id = ? AND direction = 'in' AND kind <> 'system'
	ORDER BY MIN(originated_at, received_at) DESC LIMIT 1`

// CustomerWindowStart returns when the customer last wrote to a business number (Unix ms), 0 if never:
// the start of WhatsApp's customer service window, which belongs to the customer and number rather than
// to one interaction. A message's own time counts, except one dated in the future by the phone's clock.
func (c conn) CustomerWindowStart(ctx context.Context, contactID int64, phoneNumberID string) (int64, error) {
	var at int64
	err := c.q.QueryRowContext(ctx, customerWindowQuery, contactID, phoneNumberID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: window of contact %d: %w", contactID, classify(err))
	}
	return at, nil
}
