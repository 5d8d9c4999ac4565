package simulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// This file is the simulator's media: the Cloud API's upload, look-up and download endpoints, files the
// customer sends from the phone, and what the phone shows of files in either direction. Files live on disk
// under Config.MediaDir and are streamed in and out, never held whole in memory.

// Limits and types from the Cloud API's "supported media types" reference.
var mediaLimits = map[string]int64{
	"audio/aac": 16 << 20, "audio/amr": 16 << 20, "audio/mpeg": 16 << 20, "audio/mp4": 16 << 20, "audio/ogg": 16 << 20,
	"text/plain": 100 << 20, "application/pdf": 100 << 20, "application/msword": 100 << 20, "application/vnd.ms-excel": 100 << 20,
	"application/vnd.ms-powerpoint":                                             100 << 20,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   100 << 20,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 << 20,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         100 << 20,
	"image/jpeg": 5 << 20, "image/png": 5 << 20, "image/webp": 500 << 10,
	"video/mp4": 16 << 20, "video/3gpp": 16 << 20,
}

// maxMediaFile bounds what the upload endpoints read.
const maxMediaFile = 100 << 20

// Kinds of failure a test can inject into media requests.
const (
	mediaFailureUpload          = "upload_http500"
	mediaFailureLookup          = "lookup_http500"
	mediaFailureDownload        = "download_http500"
	mediaFailureDownloadCorrupt = "download_corrupt"
)

var mediaFailureKinds = []string{mediaFailureUpload, mediaFailureLookup, mediaFailureDownload, mediaFailureDownloadCorrupt}

// mediaFile is one stored file: uploaded by the business or sent by a customer.
type mediaFile struct {
	ID       string
	Path     string
	MIMEType string
	SHA256   []byte
	Size     int64
	FileName string
	Created  time.Time
}

// mediaDirectory returns the directory files go to, creating it on first use.
func (s *Simulator) mediaDirectory() (string, error) {
	s.mediaOnce.Do(func() {
		dir := s.config.MediaDir
		if dir == "" {
			dir, s.mediaErr = os.MkdirTemp("", "switchboard-simulator-media-*")
			s.mediaTemporary = true
		} else {
			// The simulator forgets everything when it stops, so files of an earlier run are orphans.
			_ = os.RemoveAll(dir)
			s.mediaErr = os.MkdirAll(dir, 0o750)
		}
		s.mediaDir = dir
	})
	return s.mediaDir, s.mediaErr
}

// removeMedia deletes the files of this run; called by Close.
func (s *Simulator) removeMedia() {
	if s.mediaDir != "" {
		_ = os.RemoveAll(s.mediaDir)
	}
}

// newMediaID makes an id like Meta's: 16 digits.
func newMediaID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9_000_000_000_000_000))
	return fmt.Sprint(n.Int64() + 1_000_000_000_000_000)
}

// storeMediaFile streams r into a new file of at most limit bytes.
func (s *Simulator) storeMediaFile(r io.Reader, limit int64, mimeType, fileName string) (*mediaFile, error) {
	dir, err := s.mediaDirectory()
	if err != nil {
		return nil, fmt.Errorf("simulator: media directory: %w", err)
	}
	file, err := os.CreateTemp(dir, "media-*")
	if err != nil {
		return nil, fmt.Errorf("simulator: store media: %w", err)
	}
	hasher := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(file, hasher), io.LimitReader(r, limit+1), make([]byte, 256<<10))
	closeErr := file.Close()
	if err == nil {
		err = closeErr
	}
	if err == nil && n > limit {
		err = errMediaTooLarge
	}
	if err != nil {
		os.Remove(file.Name())
		return nil, err
	}
	return &mediaFile{ID: newMediaID(), Path: file.Name(), MIMEType: mimeType, SHA256: hasher.Sum(nil), Size: n, FileName: fileName, Created: time.Now()}, nil
}

// registerMedia makes a stored file known under its id; it is not changed afterwards.
func (s *Simulator) registerMedia(stored *mediaFile) {
	s.mu.Lock()
	s.state.media[stored.ID] = stored
	s.mu.Unlock()
}

var errMediaTooLarge = errors.New("file size exceeded")

func (s *Simulator) forgetMedia(stored *mediaFile) {
	s.mu.Lock()
	delete(s.state.media, stored.ID)
	s.mu.Unlock()
	os.Remove(stored.Path)
}

func mediaUploadError(details string) *apiError {
	return whatsappError(http.StatusBadRequest, 131053, "Media upload error", details)
}

// takeMediaFailure consumes one injected failure of kind, if one is waiting.
func (s *Simulator) takeMediaFailure(kinds ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, rule := range s.state.mediaFailures {
		if !contains(kinds, rule.Kind) {
			continue
		}
		rule.Remaining--
		if rule.Remaining <= 0 {
			s.state.mediaFailures = append(s.state.mediaFailures[:i], s.state.mediaFailures[i+1:]...)
		}
		return rule.Kind
	}
	return ""
}

// cloudMediaUpload is POST /{version}/{phone_number_id}/media: a multipart form with messaging_product,
// type (the MIME type) and file, in any order. The file is streamed to disk as it arrives.
func (s *Simulator) cloudMediaUpload(c echo.Context) error {
	phoneNumberID := c.Param("phone_number_id")
	if !versionPattern.MatchString(c.Param("version")) {
		return writeGraphError(c, &apiError{httpStatus: http.StatusBadRequest, graph: graphError{
			Message: fmt.Sprintf("Unknown path components: /%s/media", phoneNumberID), Type: "OAuthException", Code: 2500}})
	}
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return writeGraphError(c, problem)
	}
	if _, ok := s.number(phoneNumberID); !ok {
		return writeGraphError(c, unsupportedPostRequest(phoneNumberID))
	}
	if s.takeMediaFailure(mediaFailureUpload) != "" {
		return writeGraphError(c, injectedHTTPError(failureHTTP500))
	}
	form, err := c.Request().MultipartReader()
	if err != nil {
		return writeGraphError(c, invalidParameter("Request body must be multipart/form-data"))
	}
	var product, declared, partType, fileName string
	var stored *mediaFile
	for {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if stored != nil {
				s.forgetMedia(stored)
			}
			return writeGraphError(c, invalidParameter("Request body is not a complete multipart form"))
		}
		switch part.FormName() {
		case "messaging_product":
			product = readSmallPart(part)
		case "type":
			declared = readSmallPart(part)
		case "file":
			if stored != nil {
				s.forgetMedia(stored)
				return writeGraphError(c, invalidParameter("Only one file can be uploaded at a time"))
			}
			fileName, partType = part.FileName(), part.Header.Get("Content-Type")
			stored, err = s.storeMediaFile(part, maxMediaFile, "", fileName)
			if errors.Is(err, errMediaTooLarge) {
				return writeGraphError(c, mediaUploadError("File size exceeded"))
			}
			if err != nil {
				return writeGraphError(c, invalidParameter("Request body is not a complete multipart form"))
			}
		}
		part.Close()
	}
	problem := (*apiError)(nil)
	switch {
	case product == "":
		problem = requiredParameter("messaging_product")
	case product != "whatsapp":
		problem = invalidParameter("Param messaging_product must be one of {WHATSAPP} - got %q.", product)
	case stored == nil:
		problem = requiredParameter("file")
	case declared == "":
		problem = requiredParameter("type")
	}
	mimeType := strings.ToLower(strings.TrimSpace(strings.SplitN(declared, ";", 2)[0]))
	if problem == nil {
		limit, supported := mediaLimits[mimeType]
		switch {
		case !supported:
			problem = mediaUploadError(fmt.Sprintf("Unsupported file type %q", declared))
		case stored.Size == 0:
			problem = mediaUploadError("The file is empty")
		case stored.Size > limit:
			problem = mediaUploadError(fmt.Sprintf("File size exceeded: %s files can be at most %d bytes", mimeType, limit))
		}
	}
	if problem != nil {
		if stored != nil {
			s.forgetMedia(stored)
		}
		return writeGraphError(c, problem)
	}
	stored.MIMEType = mimeType
	s.registerMedia(stored)
	s.logger.Info("simulator: media uploaded", "media_id", stored.ID, "type", mimeType, "part_type", partType, "bytes", stored.Size)
	return c.JSON(http.StatusOK, map[string]string{"id": stored.ID})
}

func readSmallPart(part *multipart.Part) string {
	value, _ := io.ReadAll(io.LimitReader(part, 1024))
	return strings.TrimSpace(string(value))
}

func (s *Simulator) mediaByID(id string) (mediaFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.state.media[id]
	if !ok {
		return mediaFile{}, false
	}
	return *stored, true
}

// cloudMediaLookup is GET /{version}/{media_id}: where to download a file, with its type, size and SHA-256.
func (s *Simulator) cloudMediaLookup(c echo.Context) error {
	mediaID := c.Param("media_id")
	if !versionPattern.MatchString(c.Param("version")) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return writeGraphError(c, problem)
	}
	if s.takeMediaFailure(mediaFailureLookup) != "" {
		return writeGraphError(c, injectedHTTPError(failureHTTP500))
	}
	stored, ok := s.mediaByID(mediaID)
	if !ok {
		return writeGraphError(c, &apiError{httpStatus: http.StatusBadRequest, graph: graphError{
			Message: fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing "+
				"permissions, or does not support this operation.", mediaID),
			Type: "GraphMethodException", Code: 100, ErrorSubcode: 33}})
	}
	scheme := "http"
	if c.Request().TLS != nil {
		scheme = "https"
	}
	return c.JSON(http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"url":               scheme + "://" + c.Request().Host + s.config.BasePath + "/files/" + stored.ID + "?ext=" + fmt.Sprint(stored.Created.Unix()),
		"mime_type":         stored.MIMEType,
		"sha256":            hex.EncodeToString(stored.SHA256),
		"file_size":         stored.Size,
		"id":                stored.ID,
	})
}

// cloudMediaDownload is the download URL a look-up returns; like Meta's it needs the access token.
func (s *Simulator) cloudMediaDownload(c echo.Context) error {
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return writeGraphError(c, problem)
	}
	stored, ok := s.mediaByID(c.Param("media_id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such media")
	}
	switch s.takeMediaFailure(mediaFailureDownload, mediaFailureDownloadCorrupt) {
	case mediaFailureDownload:
		return echo.NewHTTPError(http.StatusInternalServerError, "injected download failure")
	case mediaFailureDownloadCorrupt:
		return s.serveCorrupted(c, stored)
	}
	file, err := os.Open(stored.Path)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "media file gone")
	}
	defer file.Close()
	c.Response().Header().Set("Content-Type", stored.MIMEType)
	http.ServeContent(c.Response(), c.Request(), "", stored.Created, file)
	return nil
}

// serveCorrupted sends the file with one byte changed, as a broken transfer might.
func (s *Simulator) serveCorrupted(c echo.Context, stored mediaFile) error {
	file, err := os.Open(stored.Path)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "media file gone")
	}
	defer file.Close()
	c.Response().Header().Set("Content-Type", stored.MIMEType)
	c.Response().WriteHeader(http.StatusOK)
	half := stored.Size / 2
	if _, err := io.CopyN(c.Response(), file, half); err != nil {
		return nil
	}
	one := make([]byte, 1)
	if n, _ := file.Read(one); n == 1 {
		one[0] ^= 0xFF
		c.Response().Write(one)
	}
	_, _ = io.Copy(c.Response(), file)
	return nil
}

// apiMediaFailuresCreate is POST /api/media-failures: the next Count media requests of Kind fail.
func (s *Simulator) apiMediaFailuresCreate(c echo.Context) error {
	var rule failureRule
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 4096)).Decode(&rule); err != nil {
		return apiFail(c, http.StatusBadRequest, "body must be a JSON object: "+err.Error())
	}
	if !contains(mediaFailureKinds, rule.Kind) {
		return apiFail(c, http.StatusBadRequest, "kind must be one of "+strings.Join(mediaFailureKinds, ", "))
	}
	if rule.Remaining <= 0 {
		rule.Remaining = 1
	}
	s.mu.Lock()
	s.state.mediaFailures = append(s.state.mediaFailures, &rule)
	pending := make([]failureRule, 0, len(s.state.mediaFailures))
	for _, r := range s.state.mediaFailures {
		pending = append(pending, *r)
	}
	s.mu.Unlock()
	return c.JSON(http.StatusCreated, pending)
}

// apiMediaFailuresClear is DELETE /api/media-failures.
func (s *Simulator) apiMediaFailuresClear(c echo.Context) error {
	s.mu.Lock()
	s.state.mediaFailures = nil
	s.mu.Unlock()
	return c.NoContent(http.StatusNoContent)
}

// extensionTypes is what a phone would send a file as when its own type is unknown.
var extensionTypes = map[string]string{
	".pdf": "application/pdf", ".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".ppt": "application/vnd.ms-powerpoint", ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".aac": "audio/aac", ".m4a": "audio/mp4", ".amr": "audio/amr", ".mp3": "audio/mpeg", ".opus": "audio/ogg", ".oga": "audio/ogg",
	".ogg": "audio/ogg", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".mp4": "video/mp4",
	".3gp": "video/3gpp", ".txt": "text/plain",
}

// customerFileType decides, as a phone does, what kind of message a file goes out as: the type the
// browser declared, else the one its extension suggests, else a sniff of its first bytes.
func customerFileType(declared, fileName string, head []byte) (messageType, mimeType string) {
	mimeType = strings.ToLower(strings.TrimSpace(strings.SplitN(declared, ";", 2)[0]))
	if mimeType == "" || mimeType == "application/octet-stream" {
		mimeType = extensionTypes[strings.ToLower(filepath.Ext(fileName))]
	}
	if mimeType == "" {
		mimeType = strings.SplitN(http.DetectContentType(head), ";", 2)[0]
	}
	switch {
	case mimeType == "image/jpeg" || mimeType == "image/png":
		return "image", mimeType
	case mimeType == "image/webp":
		return "sticker", mimeType
	case strings.HasPrefix(mimeType, "audio/"):
		return "audio", mimeType
	case strings.HasPrefix(mimeType, "video/"):
		return "video", mimeType
	}
	return "document", mimeType
}

// customerFile is a file the customer sends, read from a multipart form.
type customerFile struct {
	stored      *mediaFile
	messageType string
	caption     string
	fields      map[string]string
}

// readCustomerFile streams the "file" part of a form into storage and collects the small fields.
func (s *Simulator) readCustomerFile(c echo.Context) (customerFile, error) {
	form, err := c.Request().MultipartReader()
	if err != nil {
		return customerFile{}, errors.New("send the file as multipart/form-data with a \"file\" field")
	}
	result := customerFile{fields: map[string]string{}}
	for {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if result.stored != nil {
				s.forgetMedia(result.stored)
			}
			return customerFile{}, errors.New("the form broke off")
		}
		if part.FormName() != "file" {
			result.fields[part.FormName()] = readSmallPart(part)
			continue
		}
		if result.stored != nil {
			continue
		}
		name := filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
		declared := part.Header.Get("Content-Type")
		stored, err := s.storeMediaFile(part, maxMediaFile, "", name)
		if errors.Is(err, errMediaTooLarge) {
			return customerFile{}, errors.New("WhatsApp sends files of at most 100 MB")
		}
		if err != nil {
			return customerFile{}, err
		}
		head := make([]byte, 512)
		if f, err := os.Open(stored.Path); err == nil {
			n, _ := io.ReadFull(f, head)
			head = head[:n]
			f.Close()
		}
		result.messageType, stored.MIMEType = customerFileType(declared, name, head)
		s.registerMedia(stored)
		result.stored = stored
	}
	if result.stored == nil {
		return customerFile{}, errors.New("choose a file to send")
	}
	if result.stored.Size == 0 {
		s.forgetMedia(result.stored)
		return customerFile{}, errors.New("the file is empty")
	}
	if override := result.fields["type"]; override != "" {
		result.messageType = override
	}
	result.caption = result.fields["caption"]
	return result, nil
}

// mediaInput turns a received file into the message the webhook carries.
func mediaInput(waID, name, phoneNumberID string, file customerFile) customerMessageInput {
	object := map[string]any{
		"id":        file.stored.ID,
		"mime_type": file.stored.MIMEType,
		"sha256":    base64.StdEncoding.EncodeToString(file.stored.SHA256),
	}
	if file.caption != "" && file.messageType != "audio" && file.messageType != "sticker" {
		object["caption"] = file.caption
	}
	if file.messageType == "document" {
		object["filename"] = file.stored.FileName
	}
	if file.messageType == "audio" && file.stored.MIMEType == "audio/ogg" {
		object["voice"] = false
	}
	payload, _ := json.Marshal(object)
	return customerMessageInput{WAID: waID, Name: name, PhoneNumberID: phoneNumberID, Kind: file.messageType, Payload: payload}
}

// apiCustomerMediaCreate is POST /api/customers/:wa_id/media: the customer sends a file (multipart "file",
// optional "caption", "name", "phone_number_id", "type"). ?wait=1 waits for the product's answer.
func (s *Simulator) apiCustomerMediaCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return apiFail(c, http.StatusBadRequest, "wa_id must be 5 to 15 digits")
	}
	file, err := s.readCustomerFile(c)
	if err != nil {
		return apiFail(c, http.StatusBadRequest, err.Error())
	}
	stored, result, err := s.receiveFromCustomer(mediaInput(waID, file.fields["name"], file.fields["phone_number_id"], file))
	if err != nil {
		s.forgetMedia(file.stored)
		if errors.Is(err, errUnknownNumber) {
			return apiFail(c, http.StatusBadRequest, err.Error())
		}
		return err
	}
	answer := map[string]any{"wamid": stored.WAMID, "media_id": file.stored.ID, "type": file.messageType, "mime_type": file.stored.MIMEType}
	if !isTruthy(c.QueryParam("wait")) {
		return c.JSON(http.StatusAccepted, answer)
	}
	select {
	case outcome := <-result:
		answer["product_status"] = outcome.statusCode
		if outcome.err != nil {
			answer["error"] = outcome.err.Error()
			return c.JSON(http.StatusBadGateway, answer)
		}
		answer["delivered"] = true
		return c.JSON(http.StatusAccepted, answer)
	case <-c.Request().Context().Done():
		return nil
	}
}

// phoneMediaCreate is POST /phone/:wa_id/media: the phone's paperclip.
func (s *Simulator) phoneMediaCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	file, err := s.readCustomerFile(c)
	if err != nil {
		return c.String(http.StatusUnprocessableEntity, "The file could not be sent: "+err.Error()+".")
	}
	number, ok := s.chatNumber(waID, file.fields["phone_number_id"])
	if !ok {
		s.forgetMedia(file.stored)
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator has no business numbers configured")
	}
	stored, _, err := s.receiveFromCustomer(mediaInput(waID, "", number.PhoneNumberID, file))
	if err != nil {
		s.forgetMedia(file.stored)
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, s.chatURL(waID, number.PhoneNumberID))
	}
	return render(c, http.StatusOK, phoneBubble(s.bubbleFor(stored)))
}

// phoneMediaShow is GET /phone/:wa_id/media/:media_id: a file of the customer's chat, as their phone shows
// it. Images, audio and video play in the page; anything else is a download.
func (s *Simulator) phoneMediaShow(c echo.Context) error {
	waID, mediaID := c.Param("wa_id"), c.Param("media_id")
	stored, ok := s.mediaByID(mediaID)
	if !ok || !s.threadHasMedia(waID, mediaID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such file in this chat")
	}
	file, err := os.Open(stored.Path)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "media file gone")
	}
	defer file.Close()
	disposition := "attachment"
	if stored.MIMEType == "image/jpeg" || stored.MIMEType == "image/png" || strings.HasPrefix(stored.MIMEType, "audio/") || strings.HasPrefix(stored.MIMEType, "video/") {
		disposition = "inline"
	}
	name := stored.FileName
	if name == "" {
		name = "file"
	}
	h := c.Response().Header()
	h.Set("Content-Type", stored.MIMEType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	http.ServeContent(c.Response(), c.Request(), "", stored.Created, file)
	return nil
}

// threadHasMedia reports whether a message of the customer's chat refers to the file.
func (s *Simulator) threadHasMedia(waID, mediaID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.state.byCustomer[waID] {
		if mediaIDOf(m) == mediaID {
			return true
		}
	}
	return false
}

// mediaIDOf finds the media id a message refers to, in either direction.
func mediaIDOf(m *message) string {
	if m.Direction == directionFromCustomer {
		var object struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(m.Payload, &object)
		return object.ID
	}
	var request sendRequest
	if err := json.Unmarshal(m.Payload, &request); err != nil {
		return ""
	}
	if media := mediaOf(&request); media != nil {
		return media.ID
	}
	return ""
}
