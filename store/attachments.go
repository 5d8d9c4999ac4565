package store

import (
	"context"
	"fmt"
)

// Attachment states. A file a customer sent is pending until the first fetch, retrying after a failed one,
// unavailable once fetching gave up; every attachment whose bytes are in storage is stored.
const (
	AttachmentPending     = "pending"
	AttachmentRetrying    = "retrying"
	AttachmentUnavailable = "unavailable"
	AttachmentStored      = "stored"
)

// Attachment is the file a message carries. The bytes are stored outside the database under SHA256.
type Attachment struct {
	MessageID     int64
	State         string
	FileName      string // cleaned, for showing and saving; never a path
	SHA256        string // hex; empty until stored
	Size          int64
	ContentType   string // recognised from the content; application/octet-stream when unknown
	TypeName      string // "PDF", "JPG"…; empty when the content is none of the supported types
	Attempts      int
	NextAttemptAt int64
	LastError     string
	CreatedAt     int64
}

const attachmentColumns = `message_id, state, file_name, sha256, size, content_type, type_name, attempts, next_attempt_at, last_error, created_at`

func scanAttachment(row interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	err := row.Scan(&a.MessageID, &a.State, &a.FileName, &a.SHA256, &a.Size, &a.ContentType, &a.TypeName, &a.Attempts,
		&a.NextAttemptAt, &a.LastError, &a.CreatedAt)
	return a, err
}

// InsertAttachment records the file of a message.
func (c conn) InsertAttachment(ctx context.Context, a Attachment) error {
	const q = `INSERT INTO attachments (` + attachmentColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := c.q.ExecContext(ctx, q, a.MessageID, a.State, a.FileName, a.SHA256, a.Size, a.ContentType, a.TypeName, a.Attempts,
		a.NextAttemptAt, a.LastError, a.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: insert attachment of message %d: %w", a.MessageID, classify(err))
	}
	return nil
}

// AttachmentByMessage returns the file of a message.
func (c conn) AttachmentByMessage(ctx context.Context, messageID int64) (Attachment, error) {
	a, err := scanAttachment(c.q.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE message_id = ?`, messageID))
	if err != nil {
		return Attachment{}, fmt.Errorf("store: attachment of message %d: %w", messageID, classify(err))
	}
	return a, nil
}

// InteractionAttachments returns the files of an interaction's messages by message id.
func (c conn) InteractionAttachments(ctx context.Context, interactionID int64) (map[int64]Attachment, error) {
	const q = `SELECT a.message_id, a.state, a.file_name, a.sha256, a.size, a.content_type, a.type_name, a.attempts, a.next_attempt_at,
		a.last_error, a.created_at FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.interaction_id = ?`
	rows, err := c.q.QueryContext(ctx, q, interactionID)
	if err != nil {
		return nil, fmt.Errorf("store: attachments of interaction %d: %w", interactionID, classify(err))
	}
	defer rows.Close()
	found := map[int64]Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: attachments of interaction %d: %w", interactionID, err)
		}
		found[a.MessageID] = a
	}
	return found, rows.Err()
}

// CountFilesWithContent reports how many records (attachments of messages, response files) refer to the
// stored file sha256, so a file no record needs can be removed again.
func (c conn) CountFilesWithContent(ctx context.Context, sha256 string) (int, error) {
	const q = `SELECT (SELECT COUNT(*) FROM attachments WHERE sha256 = ?) + (SELECT COUNT(*) FROM outbound_files WHERE sha256 = ?)`
	var n int
	if err := c.q.QueryRowContext(ctx, q, sha256, sha256).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: files with %s: %w", sha256, classify(err))
	}
	return n, nil
}

// MediaFetch is a file a customer sent that still has to be fetched from WhatsApp.
type MediaFetch struct {
	Attachment
	MediaID       string
	InteractionID int64
}

// DueMediaFetches returns up to limit files whose next fetch attempt is due, longest waiting first.
func (c conn) DueMediaFetches(ctx context.Context, now int64, limit int) ([]MediaFetch, error) {
	const q = `SELECT a.message_id, a.state, a.file_name, a.sha256, a.size, a.content_type, a.type_name, a.attempts, a.next_attempt_at,
		a.last_error, a.created_at, m.media_id, m.interaction_id
		FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE a.state IN ('pending', 'retrying') AND a.next_attempt_at <= ?
		ORDER BY a.next_attempt_at, a.message_id LIMIT ?`
	rows, err := c.q.QueryContext(ctx, q, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due media fetches: %w", classify(err))
	}
	defer rows.Close()
	var list []MediaFetch
	for rows.Next() {
		var f MediaFetch
		a := &f.Attachment
		if err := rows.Scan(&a.MessageID, &a.State, &a.FileName, &a.SHA256, &a.Size, &a.ContentType, &a.TypeName, &a.Attempts,
			&a.NextAttemptAt, &a.LastError, &a.CreatedAt, &f.MediaID, &f.InteractionID); err != nil {
			return nil, fmt.Errorf("store: due media fetches: %w", err)
		}
		list = append(list, f)
	}
	return list, rows.Err()
}

// NextMediaFetch returns when the earliest waiting fetch is due, or 0 when none waits.
func (c conn) NextMediaFetch(ctx context.Context) (int64, error) {
	var at int64
	const q = `SELECT COALESCE(MIN(next_attempt_at), 0) FROM attachments WHERE state IN ('pending', 'retrying')`
	if err := c.q.QueryRowContext(ctx, q).Scan(&at); err != nil {
		return 0, fmt.Errorf("store: next media fetch: %w", classify(err))
	}
	return at, nil
}

// MediaFetched records a fetched file; only a file still waiting for its fetch changes.
func (c conn) MediaFetched(ctx context.Context, messageID int64, sha256 string, size int64, contentType, typeName string) error {
	const q = `UPDATE attachments SET state = 'stored', sha256 = ?, size = ?, content_type = ?, type_name = ?, last_error = '',
		attempts = attempts + 1 WHERE message_id = ? AND state IN ('pending', 'retrying')`
	if _, err := c.q.ExecContext(ctx, q, sha256, size, contentType, typeName, messageID); err != nil {
		return fmt.Errorf("store: media fetched for message %d: %w", messageID, classify(err))
	}
	return nil
}

// MediaFetchFailed records a failed fetch: another attempt at nextAttemptAt, or none when gaveUp.
func (c conn) MediaFetchFailed(ctx context.Context, messageID int64, lastError string, nextAttemptAt int64, gaveUp bool) error {
	state := AttachmentRetrying
	if gaveUp {
		state = AttachmentUnavailable
	}
	const q = `UPDATE attachments SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?
		WHERE message_id = ? AND state IN ('pending', 'retrying')`
	if _, err := c.q.ExecContext(ctx, q, state, nextAttemptAt, lastError, messageID); err != nil {
		return fmt.Errorf("store: media fetch failed for message %d: %w", messageID, classify(err))
	}
	return nil
}

// EnqueueOutboundAttachment stores an agent's file message as queued with its attachment and outbox row.
func (c conn) EnqueueOutboundAttachment(ctx context.Context, m Message, a Attachment, now int64) (int64, error) {
	id, err := c.EnqueueOutbound(ctx, m, now)
	if err != nil {
		return 0, err
	}
	a.MessageID = id
	a.State = AttachmentStored
	a.CreatedAt = now
	if err := c.InsertAttachment(ctx, a); err != nil {
		return 0, err
	}
	return id, nil
}

// SetUploadedMediaID remembers the media id WhatsApp gave an outbound file, so a retried send refers to it
// instead of uploading the file again.
func (c conn) SetUploadedMediaID(ctx context.Context, messageID int64, mediaID string) error {
	const q = `UPDATE messages SET media_id = ? WHERE id = ? AND direction = 'out' AND media_id = ''`
	if _, err := c.q.ExecContext(ctx, q, mediaID, messageID); err != nil {
		return fmt.Errorf("store: media id of message %d: %w", messageID, classify(err))
	}
	return nil
}
