package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// seedMessages gives the customer from `from` past sessions holding total messages (100 per session) on the
// test number, written straight into SQLite for speed.
func (h *harness) seedMessages(t testing.TB, from string, total int) {
	t.Helper()
	ctx := context.Background()
	db := h.store.DB()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var contactID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (wa_id, created_at, updated_at) VALUES (?, 0, 0)
		ON CONFLICT(wa_id) DO UPDATE SET wa_id = excluded.wa_id RETURNING id`, from).Scan(&contactID); err != nil {
		t.Fatal(err)
	}
	insertInteraction, _ := tx.PrepareContext(ctx, `INSERT INTO interactions (contact_id, phone_number_id, state, created_at, closed_at) VALUES (?, ?, 'done', ?, ?) RETURNING id`)
	insertMessage, _ := tx.PrepareContext(ctx, `INSERT INTO messages (interaction_id, contact_id, phone_number_id, direction, kind, wamid, body, status, originated_at, received_at, status_at)
		VALUES (?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?)`)
	start := time.Now().Add(-365 * 24 * time.Hour).UnixMilli()
	var interactionID int64
	for i := 0; i < total; i++ {
		at := start + int64(i)*60000
		if i%100 == 0 {
			if err := insertInteraction.QueryRowContext(ctx, contactID, testPhoneNumberID, at, at+3600000).Scan(&interactionID); err != nil {
				t.Fatal(err)
			}
		}
		direction, status := "in", "received"
		if i%2 == 1 {
			direction, status = "out", "read"
		}
		if _, err := insertMessage.ExecContext(ctx, interactionID, contactID, testPhoneNumberID, direction, sql.NullString{String: fmt.Sprintf("wamid.bench.%s.%d", from, i), Valid: true},
			fmt.Sprintf("message %d with *some* text and a link https://example.com/%d", i, i), status, at, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkWorkspaceRender measures rendering the agent's window (GET /) for an open interaction whose contact
// has 100 or 100,000 past messages. Only the sessions shown (transcript-interactions-count) are loaded, so
// the two should cost about the same.
func BenchmarkWorkspaceRender(b *testing.B) {
	for _, past := range []int{100, 100000} {
		b.Run(fmt.Sprintf("past=%d", past), func(b *testing.B) {
			h := newHarness(b)
			agent := h.loggedIn(b, "ava", "agent")
			from := "447700900555"
			h.seedMessages(b, from, past)
			h.activeInteraction(b, agent, "wamid.bench.current", from)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res := agent.get("/")
				if res.status != http.StatusOK {
					b.Fatalf("GET / = %d", res.status)
				}
			}
		})
	}
}
