package whatsapp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestUploadMediaStreamsAMultipartForm(t *testing.T) {
	content := bytes.Repeat([]byte("%PDF-1.4 "), 50_000)
	var got struct {
		product, mimeType, fileName, fileType string
		file                                  []byte
		contentLength                         int64
		chunked                               bool
	}
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v21.0/106540352242922/media" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		if r.Header.Get("Authorization") != "Bearer EAAJB-test-token" {
			t.Errorf("Authorization %q", r.Header.Get("Authorization"))
		}
		got.contentLength, got.chunked = r.ContentLength, len(r.TransferEncoding) > 0
		reader, err := r.MultipartReader()
		if err != nil {
			t.Fatal(err)
		}
		for {
			part, err := reader.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(part)
			switch part.FormName() {
			case "messaging_product":
				got.product = string(data)
			case "type":
				got.mimeType = string(data)
			case "file":
				got.file, got.fileName, got.fileType = data, part.FileName(), part.Header.Get("Content-Type")
			}
		}
		w.Write([]byte(`{"id":"1037543291543636"}`))
	})
	id, err := client.UploadMedia(t.Context(), "106540352242922", MediaUpload{
		MIMEType: "application/pdf", FileName: `quote"d.pdf`, Content: bytes.NewReader(content), Size: int64(len(content)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if id != "1037543291543636" {
		t.Errorf("id %q", id)
	}
	if got.product != "whatsapp" || got.mimeType != "application/pdf" || got.fileType != "application/pdf" || got.fileName != `quote"d.pdf` {
		t.Errorf("form: %+v", got)
	}
	if !bytes.Equal(got.file, content) {
		t.Errorf("file arrived as %d bytes, sent %d", len(got.file), len(content))
	}
	if got.chunked || got.contentLength <= int64(len(content)) {
		t.Errorf("Content-Length %d chunked=%v: the body length must be known", got.contentLength, got.chunked)
	}
}

func TestUploadMediaErrors(t *testing.T) {
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":{"message":"(#131053) Media upload error","type":"OAuthException","code":131053,"error_data":{"details":"Unsupported file type"}}}`))
	})
	_, err := client.UploadMedia(t.Context(), "1", MediaUpload{MIMEType: "image/gif", FileName: "a.gif", Content: strings.NewReader("GIF89a"), Size: 6})
	apiError, ok := errors.AsType[*APIError](err)
	if !ok || apiError.Code != 131053 || apiError.Details != "Unsupported file type" || IsTransient(err) {
		t.Errorf("err = %v", err)
	}
	if _, err := client.UploadMedia(t.Context(), "1", MediaUpload{MIMEType: "image/png"}); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("empty upload: %v", err)
	}
}

func TestLookupAndDownloadMedia(t *testing.T) {
	content := []byte("the customer's photo")
	sum := sha256.Sum256(content)
	var server string
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer EAAJB-test-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/v21.0/media-1":
			w.Write([]byte(`{"messaging_product":"whatsapp","url":"` + server + `/files/1?hash=x","mime_type":"image/jpeg","sha256":"` +
				hex.EncodeToString(sum[:]) + `","file_size":"20","id":"media-1"}`))
		case "/v21.0/media-2":
			w.Write([]byte(`{"url":"` + server + `/files/2","mime_type":"image/jpeg","sha256":"` + base64.StdEncoding.EncodeToString(sum[:]) + `","file_size":20}`))
		case "/v21.0/media-gone":
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100,"error_subcode":33}}`))
		case "/files/1", "/files/2":
			w.Write(content)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	server = client.BaseURL
	for _, id := range []string{"media-1", "media-2"} {
		info, err := client.LookupMedia(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		decoded, ok := info.SHA256Bytes()
		if !ok || !bytes.Equal(decoded, sum[:]) || info.FileSize != 20 || info.MIMEType != "image/jpeg" {
			t.Errorf("%s: %+v", id, info)
		}
		body, err := client.DownloadMedia(t.Context(), info.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(body)
		body.Close()
		if !bytes.Equal(got, content) {
			t.Errorf("downloaded %q", got)
		}
	}
	if _, err := client.LookupMedia(t.Context(), "media-gone"); err == nil || IsTransient(err) {
		t.Errorf("unknown media: %v", err)
	}
	if _, err := client.DownloadMedia(t.Context(), server+"/files/missing"); err == nil {
		t.Error("a 404 download succeeded")
	}
	if _, err := client.DownloadMedia(t.Context(), "file:///etc/passwd"); err == nil {
		t.Error("a file: URL was fetched")
	}
}

// TestMediaTokenGoesOnlyToWhatsAppHosts: the access token is sent with a download only to the API's own host
// and Meta's media hosts over https; anything else is refused before a connection is made.
func TestMediaTokenGoesOnlyToWhatsAppHosts(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request reached another host with Authorization %q", r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	client := &Client{BaseURL: "https://graph.facebook.com", AccessToken: "EAAJB-test-token"}
	for _, rawURL := range []string{
		elsewhere.URL + "/file",
		"http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1", // not https
		"https://lookaside.fbsbx.com:8443/whatsapp_business/attachments/?mid=1",
		"https://fbsbx.com.attacker.example/file",
		"https://attackerfbsbx.com/file",
		"http://graph.facebook.com/v21.0/file", // the API host, but not over https
	} {
		if _, err := client.DownloadMedia(t.Context(), rawURL); !errors.Is(err, ErrUntrustedMediaURL) {
			t.Errorf("%s: %v, want ErrUntrustedMediaURL", rawURL, err)
		}
	}
	for _, rawURL := range []string{
		"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
		"https://mmg.whatsapp.net/v/t62/file",
		"https://graph.facebook.com/v21.0/file",
	} {
		parsed, _ := url.Parse(rawURL)
		if !client.trustedMediaURL(parsed) {
			t.Errorf("%s is refused", rawURL)
		}
	}
}
