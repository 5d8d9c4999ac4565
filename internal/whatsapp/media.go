package whatsapp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// MediaUpload is a file to upload to the Cloud API's media endpoint. Content is read exactly once, as the
// request is written, so a file of any size streams from disk.
type MediaUpload struct {
	MIMEType string
	FileName string
	Content  io.Reader
	Size     int64
}

// UploadMedia posts a file to POST /{version}/{phone-number-id}/media and returns the media id to send it by.
// Errors are classified like Send's. An upload whose answer was lost can safely be repeated: at worst Meta
// keeps an unused copy, never a second message.
func (c *Client) UploadMedia(ctx context.Context, phoneNumberID string, upload MediaUpload) (string, error) {
	endpoint, err := c.endpoint(phoneNumberID, "media")
	if err != nil {
		return "", fmt.Errorf("whatsapp: upload media: %w", err)
	}
	if upload.MIMEType == "" || upload.Content == nil || upload.Size <= 0 {
		return "", fmt.Errorf("whatsapp: upload media: %w: a file needs a type and content", ErrInvalidMessage)
	}
	// The multipart framing is built around the file instead of copying the file into it, so the body has
	// a known length and the file is never in memory.
	var framing bytes.Buffer
	form := multipart.NewWriter(&framing)
	_ = form.WriteField("messaging_product", MessagingProduct)
	_ = form.WriteField("type", upload.MIMEType)
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, escapeQuotes(upload.FileName)))
	header.Set("Content-Type", upload.MIMEType)
	if _, err := form.CreatePart(header); err != nil {
		return "", fmt.Errorf("whatsapp: upload media: %w", err)
	}
	head := append([]byte(nil), framing.Bytes()...)
	framing.Reset()
	if err := form.Close(); err != nil {
		return "", fmt.Errorf("whatsapp: upload media: %w", err)
	}
	tail := framing.Bytes()
	body := io.MultiReader(bytes.NewReader(head), io.LimitReader(upload.Content, upload.Size), bytes.NewReader(tail))

	var connected atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	request, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, endpoint, body)
	if err != nil {
		return "", fmt.Errorf("whatsapp: upload media: %w", err)
	}
	request.ContentLength = int64(len(head)) + upload.Size + int64(len(tail))
	request.Header.Set("Content-Type", form.FormDataContentType())
	request.Header.Set("Accept", "application/json")
	c.authorize(request)
	response, err := c.mediaClient().Do(request)
	if err != nil {
		return "", fmt.Errorf("whatsapp: upload media: %w", &TransportError{Err: err, MaybeDelivered: maybeDelivered(err, connected.Load())})
	}
	defer response.Body.Close()
	responseBody, readErr := io.ReadAll(io.LimitReader(response.Body, maxResponseBytes))
	if response.StatusCode < 200 || response.StatusCode > 299 {
		return "", fmt.Errorf("whatsapp: upload media: %w", parseAPIError(response.StatusCode, responseBody))
	}
	if readErr != nil {
		return "", fmt.Errorf("whatsapp: upload media: %w", &TransportError{Err: readErr, MaybeDelivered: true})
	}
	var uploaded struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(responseBody, &uploaded); err != nil || uploaded.ID == "" {
		return "", fmt.Errorf("whatsapp: upload media: %w", &TransportError{Err: errors.New("response has no media id"), MaybeDelivered: true})
	}
	return uploaded.ID, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// MediaInfo is what GET /{version}/{media-id} says about a file a customer sent.
type MediaInfo struct {
	ID       string
	URL      string // valid for a few minutes; fetching it needs the access token
	MIMEType string
	SHA256   string // as Meta sends it: hex (or base64 in some payloads); see SHA256Bytes
	FileSize int64
}

// SHA256Bytes decodes the checksum Meta reported, accepting hex and base64; ok is false when there is none.
func (m MediaInfo) SHA256Bytes() (sum []byte, ok bool) {
	value := strings.TrimSpace(m.SHA256)
	if decoded, err := hex.DecodeString(value); err == nil && len(decoded) == 32 {
		return decoded, true
	}
	for _, encoding := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if decoded, err := encoding.DecodeString(value); err == nil && len(decoded) == 32 {
			return decoded, true
		}
	}
	return nil, false
}

// LookupMedia asks where the file with mediaID can be downloaded.
func (c *Client) LookupMedia(ctx context.Context, mediaID string) (MediaInfo, error) {
	endpoint, err := c.endpoint(mediaID)
	if err != nil {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", err)
	}
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", err)
	}
	request.Header.Set("Accept", "application/json")
	c.authorize(request)
	response, err := c.httpClient().Do(request)
	if err != nil {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", &TransportError{Err: err})
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, maxResponseBytes))
	if response.StatusCode < 200 || response.StatusCode > 299 {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", parseAPIError(response.StatusCode, body))
	}
	if err != nil {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", &TransportError{Err: err})
	}
	var wire struct {
		ID       string          `json:"id"`
		URL      string          `json:"url"`
		MIMEType string          `json:"mime_type"`
		SHA256   string          `json:"sha256"`
		FileSize json.RawMessage `json:"file_size"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", &TransportError{Err: fmt.Errorf("decode response: %w", err)})
	}
	info := MediaInfo{ID: wire.ID, URL: wire.URL, MIMEType: wire.MIMEType, SHA256: wire.SHA256}
	// file_size has been seen both as a number and as a string.
	if size := strings.Trim(string(wire.FileSize), `"`); size != "" && size != "null" {
		info.FileSize, _ = strconv.ParseInt(size, 10, 64)
	}
	if info.URL == "" {
		return MediaInfo{}, fmt.Errorf("whatsapp: look up media: %w", &TransportError{Err: errors.New("response has no url")})
	}
	return info, nil
}

// ErrUntrustedMediaURL means a media URL points somewhere the access token must not be sent.
var ErrUntrustedMediaURL = errors.New("media URL is not on a WhatsApp host")

// mediaHostSuffixes are where Meta serves media files (lookaside.fbsbx.com today; the CDNs have been seen).
var mediaHostSuffixes = []string{".fbsbx.com", ".fbcdn.net", ".whatsapp.net", ".facebook.com"}

// trustedMediaURL reports whether the access token may go to u: the API's own host (the simulator, or a
// proxy in front of the Graph API), or Meta's media hosts over https.
func (c *Client) trustedMediaURL(u *url.URL) bool {
	if base, err := url.Parse(c.BaseURL); err == nil && base.Host != "" && strings.EqualFold(u.Host, base.Host) && u.Scheme == base.Scheme {
		return true
	}
	if u.Scheme != "https" || u.Port() != "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, suffix := range mediaHostSuffixes {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// DownloadMedia opens the file at a URL LookupMedia returned, sending the access token as Meta requires.
// The token goes only to the API's own host and Meta's media hosts (see trustedMediaURL). The caller reads
// the body as a stream and closes it.
func (c *Client) DownloadMedia(ctx context.Context, rawURL string) (io.ReadCloser, error) {
	parsed, err := url.Parse(rawURL)
	if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return nil, fmt.Errorf("whatsapp: download media: %q is not an http(s) URL", rawURL)
	}
	if !c.trustedMediaURL(parsed) {
		return nil, fmt.Errorf("whatsapp: download media from %s: %w", parsed.Host, ErrUntrustedMediaURL)
	}
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, parsed.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: download media: %w", err)
	}
	c.authorize(request)
	response, err := c.mediaClient().Do(request)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: download media: %w", &TransportError{Err: err})
	}
	if response.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(response.Body, maxErrorTextLength*4))
		response.Body.Close()
		return nil, fmt.Errorf("whatsapp: download media: %w", parseAPIError(response.StatusCode, body))
	}
	return response.Body, nil
}

func (c *Client) authorize(request *http.Request) {
	if c.AccessToken != "" {
		request.Header.Set("Authorization", "Bearer "+c.AccessToken)
	}
}

// endpoint builds base/version/part/part… with each part escaped.
func (c *Client) endpoint(parts ...string) (string, error) {
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		return "", errors.New("no base url")
	}
	version := c.Version
	if version == "" {
		version = DefaultVersion
	}
	path := base + "/" + url.PathEscape(version)
	for _, part := range parts {
		if part == "" {
			return "", errors.New("empty path part")
		}
		path += "/" + url.PathEscape(part)
	}
	return path, nil
}

// mediaClient carries file transfers. They can take far longer than a message send, so it has no overall
// timeout of its own: callers bound each transfer with their context.
func (c *Client) mediaClient() *http.Client {
	if c.MediaHTTP != nil {
		return c.MediaHTTP
	}
	return &http.Client{}
}
