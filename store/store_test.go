package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"
)

type migrationRow struct {
	version   int
	name      string
	appliedAt int64
}

func appliedMigrations(t *testing.T, s *Store) []migrationRow {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("query schema_migrations: %v", err)
	}
	defer rows.Close()
	var list []migrationRow
	for rows.Next() {
		var r migrationRow
		if err := rows.Scan(&r.version, &r.name, &r.appliedAt); err != nil {
			t.Fatalf("scan schema_migrations: %v", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	return list
}

func TestOpenAppliesAndRecordsMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	files, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no embedded migrations")
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	first := appliedMigrations(t, s)
	if len(first) != len(files) {
		t.Fatalf("recorded %d migrations, embedded %d", len(first), len(files))
	}
	for i, row := range first {
		if row.name != files[i].Name() {
			t.Errorf("migration %d recorded as %q, file is %q", i, row.name, files[i].Name())
		}
		if !strings.HasPrefix(row.name, fmt.Sprintf("%03d_", row.version)) {
			t.Errorf("migration %q recorded with version %d", row.name, row.version)
		}
		if row.appliedAt <= 0 {
			t.Errorf("migration %q has applied_at %d", row.name, row.appliedAt)
		}
	}
	version, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := first[len(first)-1].version; version != want {
		t.Errorf("SchemaVersion = %d, want %d", version, want)
	}
	for _, table := range []string{"users", "sessions", "options", "contacts", "interactions", "offer_declines", "messages",
		"outbox", "pending_statuses", "quarantine", "webhook_errors", "dispositions", "business_numbers"} {
		if n := countRows(t, s, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table); n != 1 {
			t.Errorf("table %s missing after migration", table)
		}
	}
	if _, err := s.CreateUser(ctx, User{Username: "keeper", DisplayName: "Keeper", PasswordHash: "x", Role: "admin", Active: true}); err != nil {
		t.Fatal(err)
	}
	dispositions := countRows(t, s, `SELECT COUNT(*) FROM dispositions`)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening applies nothing again: same rows, same times, data and seed rows untouched.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	second := appliedMigrations(t, s)
	if fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("reopen changed schema_migrations:\n got %v\nwant %v", second, first)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM users WHERE username = 'keeper'`); n != 1 {
		t.Errorf("user lost on reopen")
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM dispositions`); n != dispositions {
		t.Errorf("dispositions = %d after reopen, want %d (seed applied twice?)", n, dispositions)
	}
}

// TestOpenRefusesAForeignMigrationHistory: a database migrated by a build whose migration of some number
// was a different file is refused with a clear message rather than skipping this build's migration.
func TestOpenRefusesAForeignMigrationHistory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, `UPDATE schema_migrations SET name = '002_something_else.sql' WHERE version = 2`)
	s.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "recorded migration 2 as 002_something_else.sql") {
		t.Errorf("Open = %v, want a refusal naming both migrations", err)
	}
}

func TestOpenSetsPragmas(t *testing.T) {
	s := openTestStore(t)
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"synchronous", "1"}, // NORMAL
	}
	// Every pooled connection must carry the settings, so ask on several at once.
	ctx := context.Background()
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for _, tt := range tests {
		for i, c := range conns {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
			}
			if strings.ToLower(got) != tt.want {
				t.Errorf("connection %d: PRAGMA %s = %q, want %q", i, tt.pragma, got, tt.want)
			}
		}
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	s := openTestStore(t)
	_, err := s.CreateInteraction(context.Background(), 9999, testPhoneNumberID, 1)
	if err == nil {
		t.Fatal("interaction for a missing contact was stored")
	}
	var sqliteErr sqlite3.Error
	if !errors.As(err, &sqliteErr) || sqliteErr.ExtendedCode != sqlite3.ErrConstraintForeignKey {
		t.Errorf("err = %v, want a foreign key violation", err)
	}
}

// shortTimeoutStore opens a second Store on the same file, configured as Open does but with a 50 ms busy
// timeout so a lock conflict surfaces quickly.
func shortTimeoutStore(t *testing.T, path string) *Store {
	t.Helper()
	params := url.Values{}
	params.Set("_journal_mode", "WAL")
	params.Set("_busy_timeout", "50")
	params.Set("_foreign_keys", "on")
	params.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Store{conn: conn{q: db}, db: db}
}

func TestWriteBlockedPastBusyTimeoutIsErrBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	holder, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	blocked := shortTimeoutStore(t, path)

	// Hold the write lock on a dedicated connection of the first store.
	lock, err := holder.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer lock.ExecContext(ctx, "ROLLBACK")

	tests := []struct {
		name  string
		write func() error
	}{
		{"single statement", func() error {
			_, err := blocked.CreateUser(ctx, User{Username: "late", DisplayName: "Late", PasswordHash: "x", Role: "agent", Active: true})
			return err
		}},
		{"transaction", func() error {
			return blocked.WithTx(ctx, func(tx *Tx) error {
				_, err := tx.EnsureContact(ctx, "16505551234", "", 1)
				return err
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.write()
			if !errors.Is(err, ErrBusy) {
				t.Fatalf("err = %v, want ErrBusy", err)
			}
		})
	}

	// Reads are not blocked by a writer under WAL.
	if _, err := blocked.CountUsers(ctx); err != nil {
		t.Errorf("read while locked: %v", err)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error // nil: returned unchanged
	}{
		{"no rows", sql.ErrNoRows, ErrNotFound},
		{"wrapped no rows", fmt.Errorf("x: %w", sql.ErrNoRows), ErrNotFound},
		{"busy", sqlite3.Error{Code: sqlite3.ErrBusy}, ErrBusy},
		{"locked", sqlite3.Error{Code: sqlite3.ErrLocked}, ErrBusy},
		{"unique", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintUnique}, ErrConflict},
		{"primary key", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintPrimaryKey}, ErrConflict},
		{"foreign key", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintForeignKey}, nil},
		{"check", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintCheck}, nil},
		{"other", errors.New("disk on fire"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.err)
			if tt.want == nil {
				for _, sentinel := range []error{ErrNotFound, ErrBusy, ErrConflict} {
					if errors.Is(got, sentinel) {
						t.Errorf("classify(%v) = %v, matches %v", tt.err, got, sentinel)
					}
				}
				return
			}
			if !errors.Is(got, tt.want) {
				t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if classify(nil) != nil {
		t.Error("classify(nil) != nil")
	}
}

func TestClassifyRealBusyError(t *testing.T) {
	// The same lock conflict as above, but hitting the driver directly, to pin the driver's error shape.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	holder, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	other := shortTimeoutStore(t, path)
	lock, err := holder.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer lock.ExecContext(ctx, "ROLLBACK")

	_, err = other.DB().ExecContext(ctx, `INSERT INTO quarantine (received_at, source, reason, raw) VALUES (1, 's', 'r', 'x')`)
	if err == nil {
		t.Fatal("write succeeded while another connection held the write lock")
	}
	if !errors.Is(classify(err), ErrBusy) {
		t.Errorf("classify(%v) does not match ErrBusy", err)
	}
}

func TestWithTxRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	boom := errors.New("boom")
	err := s.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.EnsureContact(ctx, "16505551234", "Sheena", 1); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx err = %v, want boom", err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM contacts`); n != 0 {
		t.Errorf("contacts = %d after rollback, want 0", n)
	}

	if err := s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.EnsureContact(ctx, "16505551234", "Sheena", 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM contacts`); n != 1 {
		t.Errorf("contacts = %d after commit, want 1", n)
	}
}
