package store

import (
	"context"
	"path/filepath"
	"testing"
)

// testPhoneNumberID is the business number used across the store tests.
const testPhoneNumberID = "106540352242922"

// openTestStore opens a fresh store in a temporary directory and closes it when the test ends.
func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// mustExec runs raw SQL for setting up states the API does not offer directly (a chosen ready_since, say).
func mustExec(t *testing.T, s *Store, query string, args ...any) {
	t.Helper()
	if _, err := s.DB().ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
}

// countRows returns how many rows query's COUNT(*) reports.
func countRows(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}

// mustUser creates an active agent and returns its id.
func mustUser(t *testing.T, s *Store, username string) int64 {
	t.Helper()
	id, err := s.CreateUser(context.Background(), User{Username: username, DisplayName: username, PasswordHash: "x", Role: "agent", Active: true})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", username, err)
	}
	return id
}

// mustSession gives userID a session with the given id expiring at expiresAt.
func mustSession(t *testing.T, s *Store, id string, userID, expiresAt int64) {
	t.Helper()
	if err := s.CreateSession(context.Background(), Session{ID: id, UserID: userID, CreatedAt: 1, LastSeenAt: 1, ExpiresAt: expiresAt}); err != nil {
		t.Fatalf("CreateSession %s: %v", id, err)
	}
}

// mustContact creates (or returns) the contact with waID.
func mustContact(t *testing.T, s *Store, waID string) Contact {
	t.Helper()
	ct, err := s.EnsureContact(context.Background(), waID, "", 1000)
	if err != nil {
		t.Fatalf("EnsureContact %s: %v", waID, err)
	}
	return ct
}

// mustInteraction queues a new interaction for a new contact with waID.
func mustInteraction(t *testing.T, s *Store, waID string) Interaction {
	t.Helper()
	ct := mustContact(t, s, waID)
	i, err := s.CreateInteraction(context.Background(), ct.ID, testPhoneNumberID, 1000)
	if err != nil {
		t.Fatalf("CreateInteraction: %v", err)
	}
	return i
}

// mustInsertMessage stores m and fails the test unless it was inserted.
func mustInsertMessage(t *testing.T, s *Store, m Message) int64 {
	t.Helper()
	id, inserted, err := s.InsertMessage(context.Background(), m)
	if err != nil || !inserted {
		t.Fatalf("InsertMessage: inserted=%v err=%v", inserted, err)
	}
	return id
}

// outboundMessage returns an outbound text on interaction i in the given status.
func outboundMessage(i Interaction, wamid, status string) Message {
	return Message{InteractionID: i.ID, ContactID: i.ContactID, PhoneNumberID: i.PhoneNumberID, Direction: DirectionOut, Kind: "text",
		WAMID: wamid, Body: "hello", Status: status, OriginatedAt: 1000, ReceivedAt: 1000, StatusAt: 1000}
}
