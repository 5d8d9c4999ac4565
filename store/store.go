// Package store holds every SQL statement of Switchboard. It owns the plain record types it reads and
// writes; the rules built on them live in internal/*.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// ErrBusy is returned when SQLite stayed locked past the busy timeout; callers answer 503 so the sender
// retries instead of losing the request.
var ErrBusy = errors.New("database busy")

// ErrConflict is returned when a write would break a uniqueness rule (a duplicate username, say).
var ErrConflict = errors.New("already exists")

// Store is the single entry point to the database.
type Store struct {
	conn
	db *sql.DB
}

// Open opens (creating when missing) the SQLite file at path in WAL mode with a busy timeout, foreign keys
// and immediate write transactions, then applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	params := url.Values{}
	params.Set("_journal_mode", "WAL")
	params.Set("_busy_timeout", "5000")
	params.Set("_foreign_keys", "on")
	params.Set("_txlock", "immediate")
	params.Set("_synchronous", "NORMAL")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// Readers run concurrently under WAL; writers serialise on SQLite's lock with busy_timeout.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{conn: conn{q: db}, db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the handle for tests that need to hold locks or inspect raw rows.
func (s *Store) DB() *sql.DB { return s.db }

// queryer is what both *sql.DB and *sql.Tx offer, so one method body serves inside and outside a transaction.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn carries every query method; Store runs them on the pool and Tx inside one transaction, so the same
// method serves a single write and a step of a larger unit of work.
type conn struct {
	q queryer
}

// Tx is one write transaction offering the same methods as Store.
type Tx struct {
	conn
	tx *sql.Tx
}

// WithTx runs fn inside one immediate transaction, committing when fn returns nil.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", classify(err))
	}
	if err := fn(&Tx{conn: conn{q: sqlTx}, tx: sqlTx}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", classify(err))
	}
	return nil
}

// classify maps driver errors to the store's sentinels so callers can decide without knowing SQLite.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var sqliteErr sqlite3.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return fmt.Errorf("%w: %v", ErrBusy, err)
		case sqlite3.ErrConstraint:
			if sqliteErr.ExtendedCode == sqlite3.ErrConstraintUnique || sqliteErr.ExtendedCode == sqlite3.ErrConstraintPrimaryKey {
				return fmt.Errorf("%w: %v", ErrConflict, err)
			}
		}
	}
	return err
}

// nowMillis is the store's clock: UTC Unix milliseconds.
func nowMillis() int64 { return time.Now().UnixMilli() }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
