package web

import (
	"context"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"switchboard/internal/auth"
	"switchboard/internal/media"
	"switchboard/store"
)

// downloadWriteTimeout replaces the server's write timeout for a download, which may take long on a slow line.
const downloadWriteTimeout = 30 * time.Minute

// attachmentSandbox is the Content-Security-Policy of every served file: a file opened in its own tab can
// show an image or play media, and nothing else, in a sandbox with no scripts and no origin.
const attachmentSandbox = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"

// attachmentDownload serves the file of message :id. JPEG and PNG images open in the browser; everything else,
// and any file with ?download=1 (Save as), is served as a download under its cleaned name. Range requests
// work, so players can seek. Only people who may see the interaction get it; everyone else gets 404.
func (s *Server) attachmentDownload(c echo.Context) error {
	a, err := s.visibleAttachment(c)
	if err != nil {
		return err
	}
	file, err := s.Media.Open(a.SHA256)
	if errors.Is(err, media.ErrNotStored) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	defer file.Close()
	contentType := a.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	disposition := "attachment"
	if media.IsSafeImage(contentType) && c.QueryParam("download") == "" {
		disposition = "inline"
	}
	return serveFile(c, file, contentType, media.ContentDisposition(disposition, media.DownloadName(a.FileName, contentType)), a.SHA256, a.CreatedAt)
}

// serveFile streams a stored file with the headers every served file gets.
func serveFile(c echo.Context, file *os.File, contentType, disposition, sha256 string, createdAt int64) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", attachmentSandbox)
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	// The content behind a URL never changes, but who may see it can: keep it private and short-lived.
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("ETag", `"`+sha256+`"`)
	_ = http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(downloadWriteTimeout))
	http.ServeContent(c.Response(), c.Request(), "", time.UnixMilli(createdAt), file)
	return nil
}

// visibleAttachment returns the stored file of message :id if the signed-in user may see its interaction;
// otherwise, and for files not fetched yet, ErrNotFound, so nobody learns what exists.
func (s *Server) visibleAttachment(c echo.Context) (store.Attachment, error) {
	id, err := idParam(c)
	if err != nil {
		return store.Attachment{}, err
	}
	return s.attachmentFor(c.Request().Context(), currentUser(c), id)
}

func (s *Server) attachmentFor(ctx context.Context, user store.User, messageID int64) (store.Attachment, error) {
	m, err := s.Store.MessageByID(ctx, messageID)
	if err != nil {
		return store.Attachment{}, err
	}
	i, err := s.Store.InteractionByID(ctx, m.InteractionID)
	if err != nil {
		return store.Attachment{}, err
	}
	if !auth.CanSeeInteraction(user, i) {
		return store.Attachment{}, store.ErrNotFound
	}
	a, err := s.Store.AttachmentByMessage(ctx, messageID)
	if err != nil {
		return store.Attachment{}, err
	}
	if a.State != store.AttachmentStored {
		return store.Attachment{}, store.ErrNotFound
	}
	return a, nil
}
