package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// maxMediaBytes is the largest file the media endpoint takes (WhatsApp's limit for documents).
const maxMediaBytes = 100 << 20

// uploadedMedia is what the simulator remembers of an uploaded file: enough to show it on the phone.
type uploadedMedia struct {
	ID       string
	MimeType string
	Filename string
	Size     int64
	SHA256   string
}

// cloudMediaUpload is POST /{version}/{phone_number_id}/media: a multipart upload with the fields
// messaging_product, type and file. The bytes are counted and hashed, not kept.
func (s *Simulator) cloudMediaUpload(c echo.Context) error {
	if !versionPattern.MatchString(c.Param("version")) {
		return writeGraphError(c, invalidParameter("Unknown API version %q", c.Param("version")))
	}
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return writeGraphError(c, problem)
	}
	if _, ok := s.number(c.Param("phone_number_id")); !ok {
		return writeGraphError(c, unsupportedPostRequest(c.Param("phone_number_id")))
	}
	reader, err := c.Request().MultipartReader()
	if err != nil {
		return writeGraphError(c, invalidParameter("The request must be multipart/form-data"))
	}
	fields := map[string]string{}
	var media uploadedMedia
	for {
		part, err := reader.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return writeGraphError(c, invalidParameter("Could not read the upload: %v", err))
		}
		if part.FormName() != "file" {
			value, _ := io.ReadAll(io.LimitReader(part, 1024))
			fields[part.FormName()] = string(value)
			continue
		}
		hash := sha256.New()
		size, err := io.Copy(hash, io.LimitReader(part, maxMediaBytes+1))
		if err != nil {
			return writeGraphError(c, invalidParameter("Could not read the file: %v", err))
		}
		if size > maxMediaBytes {
			return writeGraphError(c, invalidParameter("File is larger than %d MB", maxMediaBytes>>20))
		}
		media = uploadedMedia{Filename: part.FileName(), MimeType: part.Header.Get("Content-Type"), Size: size, SHA256: hex.EncodeToString(hash.Sum(nil))}
	}
	switch {
	case fields["messaging_product"] != "whatsapp":
		return writeGraphError(c, requiredParameter("messaging_product"))
	case media.SHA256 == "":
		return writeGraphError(c, requiredParameter("file"))
	case media.Size == 0:
		return writeGraphError(c, invalidParameter("The file is empty"))
	}
	if declared := fields["type"]; declared != "" {
		media.MimeType = declared
	}
	if media.MimeType == "" || !strings.Contains(media.MimeType, "/") {
		return writeGraphError(c, requiredParameter("type"))
	}
	s.mu.Lock()
	s.state.nextSequence++
	media.ID = fmt.Sprintf("%d%06d", 1037543291543636, s.state.nextSequence)
	s.state.media[media.ID] = media
	s.mu.Unlock()
	return c.JSON(http.StatusOK, map[string]string{"id": media.ID})
}
