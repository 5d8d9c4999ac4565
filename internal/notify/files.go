package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/store"
)

// saveFile keeps a response file (a text response's attachment, a media header, or the header file an
// agent uploads for one message) as every other file is kept: its bytes in media storage under their
// SHA-256, described by a row in outbound_files. The content streams into staging and is recognised from
// what it holds, by the same rules and within WhatsApp's own size for each kind as agents' attachments.
// A file an agent uploads (uploadedBy not 0) must also be of a kind and size the attachment.* options let
// agents send; an admin's library files are not narrowed by those. When format is given it must suit
// that media header. Only then is the file committed and record run, which writes its row and whatever
// refers to it in one transaction. A refusal is an InputError on field and leaves nothing behind: no
// stored file, no row.
func (s *Service) saveFile(ctx context.Context, field, filename string, content io.Reader, format string, uploadedBy int64,
	record func(store.OutboundFile) (store.OutboundFile, error)) (store.OutboundFile, error) {
	name := media.CleanName(filename)
	limits := media.WhatsAppLimits()
	if uploadedBy != 0 && s.Options != nil {
		limits = media.LimitsFrom(s.Options)
	}
	staged, err := s.Files.Stage(content, limits.Largest())
	if errors.Is(err, media.ErrTooLarge) {
		return store.OutboundFile{}, &interaction.InputError{Field: field, Message: limits.TooLarge(name).Reason}
	}
	if err != nil {
		return store.OutboundFile{}, fmt.Errorf("notify: receive %s: %w", name, err)
	}
	defer staged.Discard() // does nothing once the file is kept
	found, detectErr := media.Detect(staged, staged.Size)
	if err := limits.Check(name, staged.Size, found, detectErr); err != nil {
		if refusal, ok := errors.AsType[*media.Refusal](err); ok {
			return store.OutboundFile{}, &interaction.InputError{Field: field, Message: refusal.Reason}
		}
		return store.OutboundFile{}, err
	}
	if format != "" && HeaderFormatFor(found.MIME) != format {
		return store.OutboundFile{}, &interaction.InputError{Field: field, Message: fmt.Sprintf("The header shows a %s; %s is not one.", format, name)}
	}
	file := store.OutboundFile{Filename: name, MIME: found.MIME, Size: staged.Size, SHA256: staged.SHA256, UploadedBy: uploadedBy, CreatedAt: s.Now().UnixMilli()}
	err = staged.Keep(func() (err error) {
		file, err = record(file)
		return err
	}, interaction.ContentReferenced(ctx, s.Store, staged.SHA256))
	if err != nil {
		return store.OutboundFile{}, err
	}
	return file, nil
}

// MoveFilesToMedia moves the response files whose bytes the database still holds (where they were kept
// before migration 007) into media storage, and reports how many it moved. Each file is written to
// storage and read back there under the SHA-256 recorded for it before its database copy is deleted, so an
// interruption loses nothing: a file not yet deleted from the database is simply moved again. It runs at
// start, before the outbox, which sends these files from media storage; once every file moved it does
// nothing.
func MoveFilesToMedia(ctx context.Context, st *store.Store, files *media.Files) (int, error) {
	ids, err := st.FilesToMove(ctx)
	if err != nil {
		return 0, fmt.Errorf("notify: move files to media storage: %w", err)
	}
	for i, id := range ids {
		if err := moveFile(ctx, st, files, id); err != nil {
			return i, fmt.Errorf("notify: move files to media storage: %w", err)
		}
	}
	return len(ids), nil
}

// moveFile moves one file; the database holds such files whole (at most 16 MB), so one is read at a time.
func moveFile(ctx context.Context, st *store.Store, files *media.Files, id int64) error {
	file, content, err := st.FileToMove(ctx, id)
	if err != nil {
		return err
	}
	staged, err := files.Stage(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return fmt.Errorf("file %d: %w", id, err)
	}
	defer staged.Discard()
	if staged.SHA256 != file.SHA256 || staged.Size != file.Size {
		return fmt.Errorf("file %d (%q): its content does not match the SHA-256 and size recorded for it; it stays in the database", id, file.Filename)
	}
	if files.Has(file.SHA256) && files.Verify(file.SHA256) != nil {
		files.Remove(file.SHA256) // a damaged copy: Commit keeps what is there, so make room for this one
	}
	if _, err := staged.Commit(); err != nil {
		return fmt.Errorf("file %d: %w", id, err)
	}
	if err := files.Verify(file.SHA256); err != nil {
		return fmt.Errorf("file %d: %w", id, err)
	}
	return st.FileMoved(ctx, id)
}
