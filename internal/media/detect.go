package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
)

// ErrEmpty is returned for a file with no content.
var ErrEmpty = errors.New("the file is empty")

// UnsupportedError says what a file's content is when it is none of the supported types. Found reads as
// the end of a sentence: "an HTML document", "a Windows program".
type UnsupportedError struct {
	Found string
}

func (e *UnsupportedError) Error() string { return "the content is " + e.Found }

func unsupported(found string) error { return &UnsupportedError{Found: found} }

// headSize is how much of the start of a file detection reads at once.
const headSize = 4096

// Detect recognises a file's type from its content alone: the name a file was given plays no part, so an
// HTML page named "invoice.pdf" or a program named "report.docx" is found out. Office files are recognised
// by what their container holds (the parts of an OOXML zip package, the streams of a legacy OLE compound
// file). It reads only the parts of the file it needs, so large files are never held in memory.
func Detect(r io.ReaderAt, size int64) (Type, error) {
	if size <= 0 {
		return Type{}, ErrEmpty
	}
	head := make([]byte, min(size, headSize))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return Type{}, err
	}
	named := func(name string) (Type, error) {
		t, _ := TypeNamed(name)
		return t, nil
	}
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return named("PDF")
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		if _, err := png.DecodeConfig(io.NewSectionReader(r, 0, size)); err != nil {
			return Type{}, unsupported("a damaged PNG image")
		}
		return named("PNG")
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		if _, err := jpeg.DecodeConfig(io.NewSectionReader(r, 0, size)); err != nil {
			return Type{}, unsupported("a damaged JPEG image")
		}
		return named("JPG")
	case bytes.HasPrefix(head, []byte("#!AMR\n")), bytes.HasPrefix(head, []byte("#!AMR-WB\n")):
		return named("AMR")
	case bytes.HasPrefix(head, []byte("OggS")):
		return detectOgg(head)
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return detectISOMedia(r, size, head)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return detectZip(r, size)
	case bytes.HasPrefix(head, oleSignature):
		return detectOLE(r, size)
	case bytes.HasPrefix(head, []byte("ID3")):
		return detectAfterID3(r, size, head)
	case len(head) >= 4 && head[0] == 0xFF && head[1]&0xE0 == 0xE0:
		if t, ok := detectAudioFrames(r, size, 0); ok {
			return t, nil
		}
	}
	return Type{}, unsupported(describe(head))
}

// detectOgg tells Ogg audio codecs apart by the first packet of the first page.
func detectOgg(head []byte) (Type, error) {
	if len(head) < 27 {
		return Type{}, unsupported("a damaged Ogg file")
	}
	segments := int(head[26])
	start := 27 + segments
	if start >= len(head) {
		return Type{}, unsupported("a damaged Ogg file")
	}
	packet := head[start:]
	name := ""
	switch {
	case bytes.HasPrefix(packet, []byte("OpusHead")):
		name = "OPUS"
	case bytes.HasPrefix(packet, []byte("\x01vorbis")):
		name = "OGG"
	case bytes.HasPrefix(packet, []byte("\x7fFLAC")), bytes.HasPrefix(packet, []byte("Speex   ")):
		name = "OGA"
	case bytes.HasPrefix(packet, []byte("\x80theora")):
		return Type{}, unsupported("an Ogg video")
	default:
		return Type{}, unsupported("an Ogg file that holds no known audio")
	}
	t, _ := TypeNamed(name)
	return t, nil
}

// detectISOMedia reads an ISO base media file (MP4, M4A, QuickTime, 3GP, HEIC): the brand rules out the
// types WhatsApp does not take, and the track handlers decide between video and audio.
func detectISOMedia(r io.ReaderAt, size int64, head []byte) (Type, error) {
	brand := string(head[8:12])
	switch brand {
	case "qt  ":
		return Type{}, unsupported("a QuickTime video")
	case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
		return Type{}, unsupported("a HEIC image")
	case "avif", "avis":
		return Type{}, unsupported("an AVIF image")
	}
	if strings.HasPrefix(brand, "3g") {
		return Type{}, unsupported("a 3GP video")
	}
	handlers := map[string]bool{}
	walkBoxes(r, 0, size, 0, handlers, new(int))
	name := ""
	switch {
	case handlers["vide"]:
		name = "MP4"
	case handlers["soun"]:
		name = "M4A"
	case brand == "M4A " || brand == "M4B ":
		name = "M4A"
	default:
		return Type{}, unsupported("an MP4 file with no audio or video track")
	}
	t, _ := TypeNamed(name)
	return t, nil
}

// walkBoxes collects the handler types (hdlr) of the tracks below moov. It follows box sizes only within
// [start, end) and gives up after a bounded number of boxes, so a hostile file cannot make it loop.
func walkBoxes(r io.ReaderAt, start, end int64, depth int, handlers map[string]bool, visited *int) {
	header := make([]byte, 16)
	for offset := start; offset+8 <= end && *visited < 10000; {
		*visited++
		if _, err := r.ReadAt(header[:8], offset); err != nil {
			return
		}
		boxSize := int64(binary.BigEndian.Uint32(header[:4]))
		boxType := string(header[4:8])
		headerSize := int64(8)
		switch boxSize {
		case 0:
			boxSize = end - offset
		case 1:
			if _, err := r.ReadAt(header[8:16], offset+8); err != nil {
				return
			}
			large := binary.BigEndian.Uint64(header[8:16])
			if large > uint64(end-offset) {
				return
			}
			boxSize, headerSize = int64(large), 16
		}
		if boxSize < headerSize || offset+boxSize > end {
			return
		}
		switch boxType {
		case "moov", "trak", "mdia":
			if depth < 4 {
				walkBoxes(r, offset+headerSize, offset+boxSize, depth+1, handlers, visited)
			}
		case "hdlr":
			// version and flags (4 bytes), pre_defined (4 bytes), then handler_type.
			handler := make([]byte, 4)
			if boxSize >= headerSize+12 {
				if _, err := r.ReadAt(handler, offset+headerSize+8); err == nil {
					handlers[string(handler)] = true
				}
			}
		}
		offset += boxSize
	}
}

// detectAfterID3 skips an ID3v2 tag and recognises the MP3 or AAC frames after it.
func detectAfterID3(r io.ReaderAt, size int64, head []byte) (Type, error) {
	if len(head) < 10 {
		return Type{}, unsupported("a damaged audio file")
	}
	tagSize := int64(head[6]&0x7F)<<21 | int64(head[7]&0x7F)<<14 | int64(head[8]&0x7F)<<7 | int64(head[9]&0x7F)
	offset := 10 + tagSize
	if head[5]&0x10 != 0 {
		offset += 10 // footer
	}
	if t, ok := detectAudioFrames(r, size, offset); ok {
		return t, nil
	}
	return Type{}, unsupported("an audio file with an ID3 tag but no MP3 or AAC audio")
}

var mp3Bitrates = [2][16]int{
	// MPEG-1 layer III, then MPEG-2/2.5 layer III, in kbit/s; 0 is "free" and the last is invalid.
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
}

var mp3SampleRates = [4][3]int{
	{11025, 12000, 8000},  // MPEG-2.5
	{0, 0, 0},             // reserved
	{22050, 24000, 16000}, // MPEG-2
	{44100, 48000, 32000}, // MPEG-1
}

// detectAudioFrames recognises an MP3 (MPEG audio layer III) or AAC (ADTS) frame at offset, and, when the
// file is long enough, requires a second frame right after it, so a stray 0xFFF in binary data is not
// mistaken for audio.
func detectAudioFrames(r io.ReaderAt, size, offset int64) (Type, bool) {
	first, ok := audioFrame(r, size, offset)
	if !ok {
		return Type{}, false
	}
	next := offset + first.length
	if next+4 <= size {
		second, ok := audioFrame(r, size, next)
		if !ok || second.name != first.name {
			return Type{}, false
		}
	}
	t, _ := TypeNamed(first.name)
	return t, true
}

type frame struct {
	name   string
	length int64
}

func audioFrame(r io.ReaderAt, size, offset int64) (frame, bool) {
	header := make([]byte, 7)
	if offset < 0 || offset+4 > size {
		return frame{}, false
	}
	n, _ := r.ReadAt(header, offset)
	if n < 4 || header[0] != 0xFF || header[1]&0xE0 != 0xE0 {
		return frame{}, false
	}
	layer := header[1] >> 1 & 0x03
	if layer == 0 {
		// ADTS (AAC): the sync word is 12 bits, the layer is always 0.
		if n < 7 || header[1]&0xF0 != 0xF0 {
			return frame{}, false
		}
		if header[2]>>2&0x0F >= 13 {
			return frame{}, false
		}
		length := int64(header[3]&0x03)<<11 | int64(header[4])<<3 | int64(header[5]>>5)
		if length < 7 {
			return frame{}, false
		}
		return frame{name: "AAC", length: length}, true
	}
	if layer != 1 {
		return frame{}, false // layer I or II: MPEG audio, but not MP3
	}
	version := header[1] >> 3 & 0x03
	if version == 1 {
		return frame{}, false
	}
	bitrateIndex := header[2] >> 4
	rateIndex := header[2] >> 2 & 0x03
	if bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3 {
		return frame{}, false
	}
	padding := int64(header[2] >> 1 & 0x01)
	table, coefficient := 0, int64(144)
	if version != 3 {
		table, coefficient = 1, 72
	}
	bitrate := int64(mp3Bitrates[table][bitrateIndex]) * 1000
	sampleRate := int64(mp3SampleRates[version][rateIndex])
	length := coefficient*bitrate/sampleRate + padding
	if length < 4 {
		return frame{}, false
	}
	return frame{name: "MP3", length: length}, true
}

// describe names what a file is when it is nothing supported, for the refusal message.
func describe(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("MZ")):
		return "a Windows program"
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "a Linux program"
	case bytes.HasPrefix(head, []byte{0xFE, 0xED, 0xFA, 0xCE}), bytes.HasPrefix(head, []byte{0xFE, 0xED, 0xFA, 0xCF}),
		bytes.HasPrefix(head, []byte{0xCE, 0xFA, 0xED, 0xFE}), bytes.HasPrefix(head, []byte{0xCF, 0xFA, 0xED, 0xFE}),
		bytes.HasPrefix(head, []byte{0xCA, 0xFE, 0xBA, 0xBE}):
		return "a program"
	case bytes.HasPrefix(head, []byte("#!")):
		return "a script"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "a GIF image"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "a WebP image"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE":
		return "a WAV audio file"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return "an AVI video"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "a TIFF image"
	case bytes.HasPrefix(head, []byte("BM")) && len(head) > 14:
		return "a BMP image"
	case bytes.HasPrefix(head, []byte("{\\rtf")):
		return "an RTF document"
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "a WebM or Matroska video"
	case bytes.HasPrefix(head, []byte("fLaC")):
		return "a FLAC audio file"
	case bytes.HasPrefix(head, []byte("Rar!")):
		return "a RAR archive"
	case bytes.HasPrefix(head, []byte("7z\xBC\xAF\x27\x1C")):
		return "a 7-Zip archive"
	case bytes.HasPrefix(head, []byte{0x1F, 0x8B}):
		return "a gzip archive"
	}
	if markup := describeMarkup(head); markup != "" {
		return markup
	}
	switch kind := http.DetectContentType(head); {
	case strings.HasPrefix(kind, "text/plain"):
		return "a text file"
	case strings.HasPrefix(kind, "text/"):
		return "a text file (" + strings.TrimSpace(strings.SplitN(kind, ";", 2)[0]) + ")"
	}
	return "not any supported kind of file"
}

// describeMarkup recognises HTML, SVG and other XML however they start (byte-order mark, white space,
// comments), since those are what a disguised file most often is.
func describeMarkup(head []byte) string {
	text := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	text = bytes.TrimLeft(text, " \t\r\n\f")
	lower := strings.ToLower(string(text[:min(len(text), 1024)]))
	if !strings.HasPrefix(lower, "<") {
		return ""
	}
	switch {
	case strings.Contains(lower, "<svg"):
		return "an SVG image"
	case strings.HasPrefix(lower, "<!doctype html"), strings.Contains(lower, "<html"), strings.Contains(lower, "<head"),
		strings.Contains(lower, "<body"), strings.Contains(lower, "<script"), strings.Contains(lower, "<iframe"),
		strings.Contains(lower, "<!--"):
		return "an HTML document"
	case strings.HasPrefix(lower, "<?xml"):
		return "an XML document"
	}
	return "an HTML document"
}
