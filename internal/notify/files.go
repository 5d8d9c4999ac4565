package notify

import (
	"switchboard/internal/media"

	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
)

// File size limits. WhatsApp takes images up to 5 MB and audio and video up to 16 MB; response files are
// kept in the database until sent, so documents are held to 16 MB here too.
const (
	MaxImageBytes = 5 << 20
	MaxFileBytes  = 16 << 20
)

// officeTypes are the document types recognised by their name once their content is known to be a zip
// container (the newer formats) or an OLE compound file (the older ones).
var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".doc":  "application/msword",
	".xls":  "application/vnd.ms-excel",
	".ppt":  "application/vnd.ms-powerpoint",
}

// oleSignature starts every OLE compound file (.doc, .xls, .ppt).
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// FileType decides from a file's content (its name only tells Office formats apart) which type it is
// sent as, and refuses what WhatsApp does not deliver or what is too large.
func FileType(filename string, content []byte) (string, error) {
	if len(content) == 0 {
		return "", fmt.Errorf("%s is empty", displayName(filename))
	}
	detected, _, _ := strings.Cut(http.DetectContentType(content), ";")
	extension := strings.ToLower(filepath.Ext(filename))
	mime := ""
	switch detected {
	case "image/jpeg", "image/png", "video/mp4", "application/pdf", "audio/mpeg":
		mime = detected
	case "application/ogg":
		mime = "audio/ogg"
	case "text/plain":
		mime = "text/plain"
	case "application/zip":
		if strings.HasSuffix(extension, "x") {
			mime = officeTypes[extension]
		}
	default:
		if bytes.HasPrefix(content, oleSignature) && !strings.HasSuffix(extension, "x") {
			mime = officeTypes[extension]
		}
	}
	if officeMIME(mime) {
		// The name only told the Office formats apart; the container's own contents must agree, so a program
		// or a plain archive named .docx is refused.
		if found, err := media.Detect(bytes.NewReader(content), int64(len(content))); err != nil || found.MIME != mime {
			return "", fmt.Errorf("%s is not the Office document its name says", displayName(filename))
		}
	}
	if mime == "" {
		return "", fmt.Errorf("%s cannot be sent over WhatsApp: use a PDF, Word, Excel, PowerPoint or text document, a JPEG or PNG image, MP4 video or MP3/OGG audio", displayName(filename))
	}
	limit := MaxFileBytes
	if strings.HasPrefix(mime, "image/") {
		limit = MaxImageBytes
	}
	if len(content) > limit {
		return "", fmt.Errorf("%s is %.1f MB; WhatsApp takes at most %d MB for this kind of file", displayName(filename), float64(len(content))/(1<<20), limit>>20)
	}
	return mime, nil
}

// CleanFilename keeps the last element of a client's file name, without control characters, at most 200
// characters; it is only ever shown (escaped) and sent to WhatsApp, never used as a path.
func CleanFilename(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if runes := []rune(name); len(runes) > 200 {
		name = string(runes[len(runes)-200:])
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

func displayName(filename string) string {
	if filename == "" {
		return "The file"
	}
	return "“" + filename + "”"
}

func officeMIME(mime string) bool {
	for _, m := range officeTypes {
		if m == mime {
			return true
		}
	}
	return false
}
