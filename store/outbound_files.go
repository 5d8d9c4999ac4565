package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// OutboundFile is a file Switchboard sends to customers (a response attachment, a media header) kept
// until the outbox hands it to WhatsApp's media endpoint. Content is filled only by OutboundFileContent.
type OutboundFile struct {
	ID         int64
	Filename   string
	MIME       string
	Size       int64
	SHA256     string
	UploadedBy int64 // the agent who uploaded it for one message; 0 for library files
	CreatedAt  int64
	Content    []byte
}

const outboundFileColumns = `f.id, f.filename, f.mime, f.size, f.sha256, COALESCE(f.uploaded_by, 0), f.created_at`

func (c conn) queryOutboundFiles(ctx context.Context, op, q string, args ...any) ([]OutboundFile, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	defer rows.Close()
	var list []OutboundFile
	for rows.Next() {
		var f OutboundFile
		if err := rows.Scan(&f.ID, &f.Filename, &f.MIME, &f.Size, &f.SHA256, &f.UploadedBy, &f.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: %s: %w", op, err)
		}
		list = append(list, f)
	}
	return list, rows.Err()
}

// SaveOutboundFile stores a file and returns it without its content.
func (c conn) SaveOutboundFile(ctx context.Context, filename, mime string, content []byte, uploadedBy, now int64) (OutboundFile, error) {
	sum := sha256.Sum256(content)
	f := OutboundFile{Filename: filename, MIME: mime, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: uploadedBy, CreatedAt: now}
	const q = `INSERT INTO outbound_files (filename, mime, size, sha256, content, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?)`
	res, err := c.q.ExecContext(ctx, q, f.Filename, f.MIME, f.Size, f.SHA256, content, uploadedBy, now)
	if err != nil {
		return OutboundFile{}, fmt.Errorf("store: save file %q: %w", filename, classify(err))
	}
	if f.ID, err = res.LastInsertId(); err != nil {
		return OutboundFile{}, fmt.Errorf("store: save file %q: %w", filename, err)
	}
	return f, nil
}

// OutboundFileByID returns a file's metadata.
func (c conn) OutboundFileByID(ctx context.Context, id int64) (OutboundFile, error) {
	list, err := c.queryOutboundFiles(ctx, "file", `SELECT `+outboundFileColumns+` FROM outbound_files f WHERE f.id = ?`, id)
	if err != nil {
		return OutboundFile{}, err
	}
	if len(list) == 0 {
		return OutboundFile{}, fmt.Errorf("store: file %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// OutboundFileContent returns a file with its bytes.
func (c conn) OutboundFileContent(ctx context.Context, id int64) (OutboundFile, error) {
	var f OutboundFile
	const q = `SELECT f.id, f.filename, f.mime, f.size, f.sha256, COALESCE(f.uploaded_by, 0), f.created_at, f.content FROM outbound_files f WHERE f.id = ?`
	err := c.q.QueryRowContext(ctx, q, id).Scan(&f.ID, &f.Filename, &f.MIME, &f.Size, &f.SHA256, &f.UploadedBy, &f.CreatedAt, &f.Content)
	if err != nil {
		return OutboundFile{}, fmt.Errorf("store: file %d: %w", id, classify(err))
	}
	return f, nil
}
