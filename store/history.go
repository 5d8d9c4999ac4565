package store

import (
	"context"
	"fmt"
	"strings"
)

// MessagesOfInteractions returns the messages of several interactions in arrival order.
func (c conn) MessagesOfInteractions(ctx context.Context, ids []int64) ([]Message, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := `SELECT ` + messageColumns + ` FROM messages WHERE interaction_id IN (?` + strings.Repeat(",?", len(ids)-1) + `) ORDER BY id`
	return c.queryMessages(ctx, "messages of interactions", q, args...)
}

// MessagesByWAMID returns the stored messages among wamids (quoted messages, reaction targets).
func (c conn) MessagesByWAMID(ctx context.Context, wamids []string) ([]Message, error) {
	if len(wamids) == 0 {
		return nil, nil
	}
	args := make([]any, len(wamids))
	for i, w := range wamids {
		args[i] = w
	}
	q := `SELECT ` + messageColumns + ` FROM messages WHERE wamid IN (?` + strings.Repeat(",?", len(wamids)-1) + `)`
	return c.queryMessages(ctx, "messages by wamid", q, args...)
}

// ReactionsTo returns the reaction messages aimed at any of wamids, in arrival order.
func (c conn) ReactionsTo(ctx context.Context, wamids []string) ([]Message, error) {
	if len(wamids) == 0 {
		return nil, nil
	}
	args := make([]any, len(wamids))
	for i, w := range wamids {
		args[i] = w
	}
	q := `SELECT ` + messageColumns + ` FROM messages WHERE kind = 'reaction' AND reply_to_wamid <> '' AND reply_to_wamid IN (?` + strings.Repeat(",?", len(wamids)-1) + `) ORDER BY id`
	return c.queryMessages(ctx, "reactions", q, args...)
}

// SearchHit is a message matching a search, with a snippet whose matches are wrapped in \x01 … \x02.
type SearchHit struct {
	Message Message
	Snippet string
}

// SearchContactMessages finds a contact's messages matching an FTS query (see internal code building it),
// newest first.
func (c conn) SearchContactMessages(ctx context.Context, contactID int64, match string, limit int) ([]SearchHit, error) {
	const q = `SELECT snippet(messages_fts, char(1), char(2), '…', -1, 16), m.id
		FROM messages_fts JOIN messages m ON m.id = messages_fts.docid
		WHERE messages_fts MATCH ? AND m.contact_id = ? AND m.kind <> 'reaction'
		ORDER BY m.id DESC LIMIT ?`
	rows, err := c.q.QueryContext(ctx, q, match, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", classify(err))
	}
	type found struct {
		snippet string
		id      int64
	}
	var list []found
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.snippet, &f.id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search: %w", err)
		}
		list = append(list, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search: %w", classify(err))
	}
	hits := make([]SearchHit, 0, len(list))
	for _, f := range list {
		m, err := c.MessageByID(ctx, f.id)
		if err != nil {
			return nil, err
		}
		hits = append(hits, SearchHit{Message: m, Snippet: f.snippet})
	}
	return hits, nil
}
