package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Kinds of standard response (internal/notify holds their rules).
const (
	ResponseText         = "text"
	ResponseNotification = "notification"
	ResponseButtons      = "buttons"
	ResponseList         = "list"
)

// ResponseCategory groups responses in the library.
type ResponseCategory struct {
	ID       int64
	Name     string
	Position int
}

// Response is one entry of the Standard Response Library.
type Response struct {
	ID               int64
	CategoryID       int64
	CategoryName     string
	Name             string
	Kind             string
	Shortcut         string
	Body             string // text responses: the text with {field} tokens
	Definition       string // structured kinds: their structure as JSON
	TemplateName     string // notifications: the WhatsApp template's name and language
	TemplateLanguage string
	WATemplateID     string // what WhatsApp calls the template, once it has it
	WAStatus         string // APPROVED, PENDING, REJECTED, or "" when never submitted
	WADetail         string // why a submission failed or was rejected
	Active           bool
	CreatedAt        int64
	UpdatedAt        int64
	Attachments      []OutboundFile // filled by the methods that say so
}

const responseColumns = `r.id, r.category_id, c.name, r.name, r.kind, r.shortcut, r.body, r.definition, r.template_name,
	r.template_language, r.wa_template_id, r.wa_status, r.wa_detail, r.active, r.created_at, r.updated_at`

func scanResponse(row interface{ Scan(...any) error }) (Response, error) {
	var r Response
	err := row.Scan(&r.ID, &r.CategoryID, &r.CategoryName, &r.Name, &r.Kind, &r.Shortcut, &r.Body, &r.Definition, &r.TemplateName,
		&r.TemplateLanguage, &r.WATemplateID, &r.WAStatus, &r.WADetail, &r.Active, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

func (c conn) queryResponses(ctx context.Context, op, q string, args ...any) ([]Response, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	defer rows.Close()
	var list []Response
	for rows.Next() {
		r, err := scanResponse(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", op, err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	return list, nil
}

// ResponseCategories lists the library's categories in their order.
func (c conn) ResponseCategories(ctx context.Context) ([]ResponseCategory, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, name, position FROM response_categories ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("store: response categories: %w", classify(err))
	}
	defer rows.Close()
	var list []ResponseCategory
	for rows.Next() {
		var cat ResponseCategory
		if err := rows.Scan(&cat.ID, &cat.Name, &cat.Position); err != nil {
			return nil, fmt.Errorf("store: response categories: %w", err)
		}
		list = append(list, cat)
	}
	return list, rows.Err()
}

// CreateResponseCategory adds a category at the end; a taken name gives ErrConflict.
func (c conn) CreateResponseCategory(ctx context.Context, name string) (int64, error) {
	const q = `INSERT INTO response_categories (name, position) VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM response_categories))`
	res, err := c.q.ExecContext(ctx, q, name)
	if err != nil {
		return 0, fmt.Errorf("store: create response category %q: %w", name, classify(err))
	}
	return res.LastInsertId()
}

// DeleteResponseCategory removes an empty category; one still holding responses gives ErrConflict.
func (c conn) DeleteResponseCategory(ctx context.Context, id int64) error {
	var used int
	if err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM responses WHERE category_id = ?`, id).Scan(&used); err != nil {
		return fmt.Errorf("store: delete response category %d: %w", id, classify(err))
	}
	if used > 0 {
		return fmt.Errorf("store: delete response category %d: %w: it holds %d responses", id, ErrConflict, used)
	}
	res, err := c.q.ExecContext(ctx, `DELETE FROM response_categories WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete response category %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete response category %d: %w", id, ErrNotFound)
	}
	return nil
}

// ResponseByID returns one response with its attachments (metadata only).
func (c conn) ResponseByID(ctx context.Context, id int64) (Response, error) {
	const q = `SELECT ` + responseColumns + ` FROM responses r JOIN response_categories c ON c.id = r.category_id WHERE r.id = ?`
	r, err := scanResponse(c.q.QueryRowContext(ctx, q, id))
	if err != nil {
		return Response{}, fmt.Errorf("store: response %d: %w", id, classify(err))
	}
	if r.Attachments, err = c.ResponseAttachments(ctx, id); err != nil {
		return Response{}, err
	}
	return r, nil
}

// ResponseByTemplate returns the active notification registered as template name; with several
// languages, the oldest.
func (c conn) ResponseByTemplate(ctx context.Context, name string) (Response, error) {
	const q = `SELECT ` + responseColumns + ` FROM responses r JOIN response_categories c ON c.id = r.category_id
		WHERE r.kind = 'notification' AND r.active = 1 AND r.template_name = ? ORDER BY r.id LIMIT 1`
	r, err := scanResponse(c.q.QueryRowContext(ctx, q, name))
	if err != nil {
		return Response{}, fmt.Errorf("store: notification %q: %w", name, classify(err))
	}
	return r, nil
}

// ListResponses returns responses ordered by category then name, optionally only active ones, only one
// kind, and only those whose name, shortcut or text contains query. Attachments are included.
func (c conn) ListResponses(ctx context.Context, activeOnly bool, kind, query string) ([]Response, error) {
	const q = `SELECT ` + responseColumns + ` FROM responses r JOIN response_categories c ON c.id = r.category_id
		WHERE (? = 0 OR r.active = 1) AND (? = '' OR r.kind = ?)
		  AND (? = '' OR r.name LIKE '%' || ? || '%' ESCAPE '\' OR r.shortcut LIKE '%' || ? || '%' ESCAPE '\'
		       OR r.body LIKE '%' || ? || '%' ESCAPE '\' OR r.definition LIKE '%' || ? || '%' ESCAPE '\')
		ORDER BY c.position, c.name, r.name, r.id`
	pattern := escapeLike(query)
	list, err := c.queryResponses(ctx, "list responses", q, boolInt(activeOnly), kind, kind, pattern, pattern, pattern, pattern, pattern)
	if err != nil {
		return nil, err
	}
	files, err := c.allResponseAttachments(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Attachments = files[list[i].ID]
	}
	return list, nil
}

// escapeLike makes a search term match literally inside LIKE '%…%' with ESCAPE '\'.
func escapeLike(term string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(term)
}

// CreateResponse adds a response and returns its id; a taken shortcut or template name and language
// give ErrConflict.
func (c conn) CreateResponse(ctx context.Context, r Response, now int64) (int64, error) {
	const q = `INSERT INTO responses (category_id, name, kind, shortcut, body, definition, template_name, template_language, active,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	res, err := c.q.ExecContext(ctx, q, r.CategoryID, r.Name, r.Kind, r.Shortcut, r.Body, r.Definition, r.TemplateName, r.TemplateLanguage,
		boolInt(r.Active), now, now)
	if err != nil {
		return 0, fmt.Errorf("store: create response %q: %w", r.Name, classify(err))
	}
	return res.LastInsertId()
}

// UpdateResponse saves the editable parts of a response (its kind stays).
func (c conn) UpdateResponse(ctx context.Context, r Response, now int64) error {
	const q = `UPDATE responses SET category_id = ?, name = ?, shortcut = ?, body = ?, definition = ?, template_name = ?,
		template_language = ?, active = ?, updated_at = ? WHERE id = ?`
	res, err := c.q.ExecContext(ctx, q, r.CategoryID, r.Name, r.Shortcut, r.Body, r.Definition, r.TemplateName, r.TemplateLanguage,
		boolInt(r.Active), now, r.ID)
	if err != nil {
		return fmt.Errorf("store: update response %d: %w", r.ID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update response %d: %w", r.ID, ErrNotFound)
	}
	return nil
}

// SetTemplateStatus records what WhatsApp said about a notification's template. asOf is when Switchboard
// asked (Unix milliseconds): a status webhook applied since then is newer news, so the answer is not
// written over it and applied reports false. asOf 0 records a local outcome (not registered, could not
// reach WhatsApp) unconditionally.
func (c conn) SetTemplateStatus(ctx context.Context, id int64, templateID, status, detail string, asOf int64) (applied bool, err error) {
	const q = `UPDATE responses SET wa_template_id = CASE WHEN ? <> '' THEN ? ELSE wa_template_id END, wa_status = ?, wa_detail = ?,
		wa_status_at = MAX(wa_status_at, ?) WHERE id = ? AND (? = 0 OR wa_status_at <= ?)`
	res, err := c.q.ExecContext(ctx, q, templateID, templateID, status, detail, asOf, id, asOf, asOf)
	if err != nil {
		return false, fmt.Errorf("store: template status of response %d: %w", id, classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SetTemplateSubmitted records that WhatsApp took a notification's template without saying its status
// (an edit): the id is kept, the status left as it is, and an earlier failure's explanation cleared.
func (c conn) SetTemplateSubmitted(ctx context.Context, id int64, templateID string) error {
	const q = `UPDATE responses SET wa_template_id = CASE WHEN ? <> '' THEN ? ELSE wa_template_id END,
		wa_detail = CASE WHEN wa_status = '' THEN '' ELSE wa_detail END WHERE id = ?`
	if _, err := c.q.ExecContext(ctx, q, templateID, templateID, id); err != nil {
		return fmt.Errorf("store: template of response %d submitted: %w", id, classify(err))
	}
	return nil
}

// TemplateReview is news about a template from WhatsApp's template status webhook, worded for the
// notification registered as that template.
type TemplateReview struct {
	TemplateID string // WhatsApp's id of the template
	Name       string
	Language   string
	Status     string // the status to record (APPROVED, REJECTED, PAUSED, ...)
	KeepStatus bool   // the news does not change the status (a template flagged or locked); only Detail is recorded
	Detail     string
	At         int64 // when WhatsApp triggered the webhook, Unix milliseconds; 0 when unknown
}

// ApplyTemplateReview records WhatsApp's news about a template on the notification registered as it:
// the one with the template's WhatsApp id, retired or not, else (not registered from here yet) the one
// with its name and language (en-US and en_US are the same language). It returns the notification as
// it is now and whether anything changed; ErrNotFound when no notification is that template. The same
// news twice changes nothing, and news older than the latest applied is ignored.
func (c conn) ApplyTemplateReview(ctx context.Context, review TemplateReview) (Response, bool, error) {
	const byID = `SELECT id, wa_status_at FROM responses WHERE kind = 'notification' AND ? <> '' AND wa_template_id = ? ORDER BY id LIMIT 1`
	const byName = `SELECT id, wa_status_at FROM responses WHERE kind = 'notification' AND template_name = ?
		AND REPLACE(template_language, '-', '_') = REPLACE(?, '-', '_') ORDER BY active DESC, id LIMIT 1`
	var id, statusAt int64
	err := c.q.QueryRowContext(ctx, byID, review.TemplateID, review.TemplateID).Scan(&id, &statusAt)
	if errors.Is(err, sql.ErrNoRows) {
		err = c.q.QueryRowContext(ctx, byName, review.Name, review.Language).Scan(&id, &statusAt)
	}
	if err != nil {
		return Response{}, false, fmt.Errorf("store: template %s %s: %w", review.Name, review.Language, classify(err))
	}
	const q = `SELECT ` + responseColumns + ` FROM responses r JOIN response_categories c ON c.id = r.category_id WHERE r.id = ?`
	r, err := scanResponse(c.q.QueryRowContext(ctx, q, id))
	if err != nil {
		return Response{}, false, fmt.Errorf("store: template %s %s: %w", review.Name, review.Language, classify(err))
	}
	if review.At != 0 && review.At < statusAt {
		return r, false, nil
	}
	status := review.Status
	if review.KeepStatus {
		status = r.WAStatus
	}
	templateID := r.WATemplateID
	if review.TemplateID != "" {
		templateID = review.TemplateID
	}
	changed := status != r.WAStatus || review.Detail != r.WADetail || templateID != r.WATemplateID
	const update = `UPDATE responses SET wa_template_id = ?, wa_status = ?, wa_detail = ?, wa_status_at = MAX(wa_status_at, ?) WHERE id = ?`
	if _, err := c.q.ExecContext(ctx, update, templateID, status, review.Detail, review.At, id); err != nil {
		return Response{}, false, fmt.Errorf("store: template status of response %d: %w", id, classify(err))
	}
	r.WATemplateID, r.WAStatus, r.WADetail = templateID, status, review.Detail
	return r, changed, nil
}

// ClearTemplateID forgets a notification's WhatsApp template id (WhatsApp no longer has it).
func (c conn) ClearTemplateID(ctx context.Context, id int64) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE responses SET wa_template_id = '' WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: clear template id of response %d: %w", id, classify(err))
	}
	return nil
}

// DeleteResponse removes a response and its attachment links (the files stay: queued messages may
// still need them).
func (c conn) DeleteResponse(ctx context.Context, id int64) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM responses WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete response %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete response %d: %w", id, ErrNotFound)
	}
	return nil
}

// ResponseAttachments lists a response's files in sending order.
func (c conn) ResponseAttachments(ctx context.Context, responseID int64) ([]OutboundFile, error) {
	const q = `SELECT ` + outboundFileColumns + ` FROM response_attachments a JOIN outbound_files f ON f.id = a.file_id
		WHERE a.response_id = ? ORDER BY a.position, f.id`
	return c.queryOutboundFiles(ctx, "response attachments", q, responseID)
}

func (c conn) allResponseAttachments(ctx context.Context) (map[int64][]OutboundFile, error) {
	const q = `SELECT a.response_id, ` + outboundFileColumns + ` FROM response_attachments a JOIN outbound_files f ON f.id = a.file_id
		ORDER BY a.response_id, a.position, f.id`
	rows, err := c.q.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: response attachments: %w", classify(err))
	}
	defer rows.Close()
	byResponse := map[int64][]OutboundFile{}
	for rows.Next() {
		var responseID int64
		var f OutboundFile
		if err := rows.Scan(&responseID, &f.ID, &f.Filename, &f.MIME, &f.Size, &f.SHA256, &f.UploadedBy, &f.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: response attachments: %w", err)
		}
		byResponse[responseID] = append(byResponse[responseID], f)
	}
	return byResponse, rows.Err()
}

// AttachToResponse appends a stored file to a response's attachments.
func (c conn) AttachToResponse(ctx context.Context, responseID, fileID int64) error {
	const q = `INSERT INTO response_attachments (response_id, file_id, position)
		VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM response_attachments WHERE response_id = ?))`
	if _, err := c.q.ExecContext(ctx, q, responseID, fileID, responseID); err != nil {
		return fmt.Errorf("store: attach file %d to response %d: %w", fileID, responseID, classify(err))
	}
	return nil
}

// DetachFromResponse removes a file from a response's attachments.
func (c conn) DetachFromResponse(ctx context.Context, responseID, fileID int64) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM response_attachments WHERE response_id = ? AND file_id = ?`, responseID, fileID)
	if err != nil {
		return fmt.Errorf("store: detach file %d from response %d: %w", fileID, responseID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: detach file %d from response %d: %w", fileID, responseID, ErrNotFound)
	}
	return nil
}

// IsResponseAttachment reports whether a stored file is an attachment of some response, which any agent
// may send.
func (c conn) IsResponseAttachment(ctx context.Context, fileID int64) (bool, error) {
	var n int
	if err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM response_attachments WHERE file_id = ?`, fileID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: file %d: %w", fileID, classify(err))
	}
	return n > 0, nil
}
