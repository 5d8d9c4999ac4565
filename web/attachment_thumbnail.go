package web

import (
	"errors"

	"github.com/labstack/echo/v4"

	"switchboard/internal/media"
	"switchboard/store"
)

// attachmentThumbnail serves the server-made JPEG preview of an image message, made on first request. Files
// that get none (not JPEG or PNG, or too large to decode safely) answer 404 and show their type icon.
func (s *Server) attachmentThumbnail(c echo.Context) error {
	a, err := s.visibleAttachment(c)
	if err != nil {
		return err
	}
	if !media.IsSafeImage(a.ContentType) {
		return store.ErrNotFound
	}
	thumbnail, err := s.Media.Thumbnail(a.SHA256)
	if errors.Is(err, media.ErrNoThumbnail) || errors.Is(err, media.ErrNotStored) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	defer thumbnail.Close()
	return serveFile(c, thumbnail, "image/jpeg", media.ContentDisposition("inline", "preview.jpg"), a.SHA256+"-thumbnail", a.CreatedAt)
}
