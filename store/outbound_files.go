package store

import (
	"context"
	"fmt"
)

// OutboundFile describes a file Switchboard sends to customers (a response attachment, a media header). Its
// bytes live in media storage under SHA256; the outbox uploads them to WhatsApp right before the message
// that carries the file goes.
type OutboundFile struct {
	ID         int64
	Filename   string
	MIME       string
	Size       int64
	SHA256     string
	UploadedBy int64 // the agent who uploaded it for one message; 0 for library files
	CreatedAt  int64
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

// SaveOutboundFile records a file already in media storage and returns it with its id.
func (c conn) SaveOutboundFile(ctx context.Context, f OutboundFile) (OutboundFile, error) {
	const q = `INSERT INTO outbound_files (filename, mime, size, sha256, uploaded_by, created_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)`
	res, err := c.q.ExecContext(ctx, q, f.Filename, f.MIME, f.Size, f.SHA256, f.UploadedBy, f.CreatedAt)
	if err != nil {
		return OutboundFile{}, fmt.Errorf("store: save file %q: %w", f.Filename, classify(err))
	}
	if f.ID, err = res.LastInsertId(); err != nil {
		return OutboundFile{}, fmt.Errorf("store: save file %q: %w", f.Filename, err)
	}
	return f, nil
}

// OutboundFileByID returns a file's description.
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

// FilesToMove lists the response files whose bytes are still in the database (kept there before migration
// 007), in id order.
func (c conn) FilesToMove(ctx context.Context) ([]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT file_id FROM outbound_file_moves ORDER BY file_id`)
	if err != nil {
		return nil, fmt.Errorf("store: files to move: %w", classify(err))
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: files to move: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// FileToMove returns a file whose bytes are still in the database, with those bytes (at most the 16 MB such
// files were held to).
func (c conn) FileToMove(ctx context.Context, id int64) (OutboundFile, []byte, error) {
	const q = `SELECT ` + outboundFileColumns + `, m.content FROM outbound_file_moves m JOIN outbound_files f ON f.id = m.file_id WHERE m.file_id = ?`
	var f OutboundFile
	var content []byte
	err := c.q.QueryRowContext(ctx, q, id).Scan(&f.ID, &f.Filename, &f.MIME, &f.Size, &f.SHA256, &f.UploadedBy, &f.CreatedAt, &content)
	if err != nil {
		return OutboundFile{}, nil, fmt.Errorf("store: file %d to move: %w", id, classify(err))
	}
	return f, content, nil
}

// FileMoved deletes the database copy of a file's bytes once media storage holds them.
func (c conn) FileMoved(ctx context.Context, id int64) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM outbound_file_moves WHERE file_id = ?`, id); err != nil {
		return fmt.Errorf("store: file %d moved: %w", id, classify(err))
	}
	return nil
}
