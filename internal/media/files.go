package media

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// ErrTooLarge is returned by Stage when the content is longer than the limit it was given.
var ErrTooLarge = errors.New("media: file too large")

// ErrNotStored is returned for a file that is not (or not yet) in storage.
var ErrNotStored = errors.New("media: file not stored")

// copyBufferSize is the chunk files are copied in: large enough to keep disks and sockets busy, small
// enough that many transfers at once cost little memory.
const copyBufferSize = 256 << 10

// Files is content-addressed storage under one directory: each file lives under the hex SHA-256 of its
// bytes (ab/cd/abcd…), so equal files are stored once and no name anyone chose is ever part of a path.
// Uploads and downloads are first written to tmp/ and only moved into place once they are complete and
// accepted; whatever is left in tmp/ by a crash is removed at the next start.
type Files struct {
	dir string
}

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// OpenFiles prepares storage under dir, creating it when missing and clearing leftovers in tmp/.
func OpenFiles(dir string) (*Files, error) {
	for _, sub := range []string{"", "tmp", "thumbs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("media: open %s: %w", dir, err)
		}
	}
	leftovers, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", dir, err)
	}
	for _, entry := range leftovers {
		_ = os.RemoveAll(filepath.Join(dir, "tmp", entry.Name()))
	}
	return &Files{dir: dir}, nil
}

// Dir is the storage directory.
func (f *Files) Dir() string { return f.dir }

// TempDir is where incomplete files wait.
func (f *Files) TempDir() string { return filepath.Join(f.dir, "tmp") }

func (f *Files) blobPath(sum string) (string, error) {
	if !sha256Pattern.MatchString(sum) {
		return "", fmt.Errorf("media: %q is not a SHA-256: %w", sum, ErrNotStored)
	}
	return filepath.Join(f.dir, sum[:2], sum[2:4], sum), nil
}

// Open opens the stored file with the given hex SHA-256.
func (f *Files) Open(sum string) (*os.File, error) {
	path, err := f.blobPath(sum)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("media: open %s: %w", sum, ErrNotStored)
	}
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", sum, err)
	}
	return file, nil
}

// Has reports whether the file with the given hex SHA-256 is stored.
func (f *Files) Has(sum string) bool {
	path, err := f.blobPath(sum)
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// Verify reads the stored file with the given hex SHA-256 and checks that its content has that hash.
func (f *Files) Verify(sum string) error {
	file, err := f.Open(sum)
	if err != nil {
		return err
	}
	defer file.Close()
	hasher := sha256.New()
	if _, err := io.CopyBuffer(hasher, file, make([]byte, copyBufferSize)); err != nil {
		return fmt.Errorf("media: verify %s: %w", sum, err)
	}
	if got := hex.EncodeToString(hasher.Sum(nil)); got != sum {
		return fmt.Errorf("media: verify %s: the stored content hashes to %s", sum, got)
	}
	return nil
}

// Staged is a complete file waiting in tmp/ to be accepted (Commit) or dropped (Discard). It can be read
// at any offset while it waits, which is how its type is detected without holding it in memory.
type Staged struct {
	files  *Files
	file   *os.File
	path   string
	SHA256 string // hex
	Size   int64
	done   bool
}

// Stage copies r into a new temporary file, hashing as it goes, and stops with ErrTooLarge as soon as more
// than limit bytes arrive. On any error nothing is left behind.
func (f *Files) Stage(r io.Reader, limit int64) (*Staged, error) {
	file, err := os.CreateTemp(f.TempDir(), "incoming-*")
	if err != nil {
		return nil, fmt.Errorf("media: stage: %w", err)
	}
	staged := &Staged{files: f, file: file, path: file.Name()}
	hasher := sha256.New()
	n, err := copyLimited(io.MultiWriter(file, hasher), r, limit)
	if err != nil {
		staged.Discard()
		return nil, err
	}
	staged.Size = n
	staged.SHA256 = hex.EncodeToString(hasher.Sum(nil))
	return staged, nil
}

// copyLimited copies at most limit bytes and fails with ErrTooLarge when there are more.
func copyLimited(w io.Writer, r io.Reader, limit int64) (int64, error) {
	buffer := make([]byte, copyBufferSize)
	n, err := io.CopyBuffer(w, io.LimitReader(r, limit+1), buffer)
	if err != nil {
		return n, fmt.Errorf("media: copy: %w", err)
	}
	if n > limit {
		return n, ErrTooLarge
	}
	return n, nil
}

// ReadAt reads the staged content.
func (s *Staged) ReadAt(p []byte, offset int64) (int, error) { return s.file.ReadAt(p, offset) }

// Commit moves the file into storage under its SHA-256 (keeping the copy already there, if any). It
// reports whether the file was new, so a caller that fails afterwards knows whether to remove it again.
func (s *Staged) Commit() (created bool, err error) {
	if s.done {
		return false, errors.New("media: staged file already committed or discarded")
	}
	s.done = true
	defer os.Remove(s.path) // no-op after a successful rename
	if err := s.file.Close(); err != nil {
		return false, fmt.Errorf("media: commit: %w", err)
	}
	target, err := s.files.blobPath(s.SHA256)
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(target); err == nil {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return false, fmt.Errorf("media: commit: %w", err)
	}
	if err := os.Chmod(s.path, 0o640); err != nil {
		return false, fmt.Errorf("media: commit: %w", err)
	}
	if err := os.Rename(s.path, target); err != nil {
		return false, fmt.Errorf("media: commit: %w", err)
	}
	return true, nil
}

// Uncommit removes the file Commit stored, for a caller whose record of it could not be written; the caller
// makes sure nothing else refers to the same content.
func (s *Staged) Uncommit() {
	s.files.Remove(s.SHA256)
}

// Keep commits the file and then runs record, which writes what refers to it. When record fails, a file
// this commit added is removed again unless referenced (asked only then) reports that something else
// refers to the same content by now, so a failure leaves nothing behind. It returns record's error as is.
func (s *Staged) Keep(record func() error, referenced func() bool) error {
	created, err := s.Commit()
	if err != nil {
		return err
	}
	if err := record(); err != nil {
		if created && !referenced() {
			s.Uncommit()
		}
		return err
	}
	return nil
}

// Discard drops the staged file. It is safe to call more than once and after Commit.
func (s *Staged) Discard() {
	if s.done {
		return
	}
	s.done = true
	s.file.Close()
	os.Remove(s.path)
}

// Remove deletes a stored file and its thumbnail; used only to undo a Commit whose record could not be
// written.
func (f *Files) Remove(sum string) {
	if path, err := f.blobPath(sum); err == nil {
		os.Remove(path)
		os.Remove(f.thumbnailPath(sum))
	}
}
