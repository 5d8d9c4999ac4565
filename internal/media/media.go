// Package media is everything about files that travel with WhatsApp messages: which kinds are supported and
// how a file's kind is recognised from its content, the size limits, content-addressed storage under the
// data directory, thumbnails, safe file names, and the worker that fetches what customers send.
package media

import "strings"

// Kind is how WhatsApp carries a file: the message type it is sent as and the size limit that applies.
type Kind string

// Kinds of attachment.
const (
	KindImage    Kind = "image"
	KindAudio    Kind = "audio"
	KindVideo    Kind = "video"
	KindDocument Kind = "document"
)

// Type is one supported file type.
type Type struct {
	// Name is how admins and agents name the type (attachment.allowed-types); several types can share a MIME
	// type (OPUS, OGA and OGG are all audio/ogg) but not a name.
	Name string
	// Label describes the type in a sentence: "a PDF document".
	Label string
	MIME  string
	Kind  Kind
	// Extensions are lower case without the dot; the first is the one given to files that lack one.
	Extensions []string
}

// CanCaption reports whether WhatsApp shows a caption under this type.
func (t Type) CanCaption() bool { return t.Kind != KindAudio }

// Types is every file type agents can send, in the order they are listed to people.
var Types = []Type{
	{Name: "PDF", Label: "a PDF document", MIME: "application/pdf", Kind: KindDocument, Extensions: []string{"pdf"}},
	{Name: "DOC", Label: "a Word document", MIME: "application/msword", Kind: KindDocument, Extensions: []string{"doc"}},
	{Name: "DOCX", Label: "a Word document", MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Kind: KindDocument, Extensions: []string{"docx"}},
	{Name: "PPT", Label: "a PowerPoint presentation", MIME: "application/vnd.ms-powerpoint", Kind: KindDocument, Extensions: []string{"ppt"}},
	{Name: "PPTX", Label: "a PowerPoint presentation", MIME: "application/vnd.openxmlformats-officedocument.presentationml.presentation", Kind: KindDocument, Extensions: []string{"pptx"}},
	{Name: "XLS", Label: "an Excel workbook", MIME: "application/vnd.ms-excel", Kind: KindDocument, Extensions: []string{"xls"}},
	{Name: "XLSX", Label: "an Excel workbook", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Kind: KindDocument, Extensions: []string{"xlsx"}},
	{Name: "AAC", Label: "an AAC audio file", MIME: "audio/aac", Kind: KindAudio, Extensions: []string{"aac"}},
	{Name: "M4A", Label: "an M4A audio file", MIME: "audio/mp4", Kind: KindAudio, Extensions: []string{"m4a", "mp4"}},
	{Name: "AMR", Label: "an AMR audio file", MIME: "audio/amr", Kind: KindAudio, Extensions: []string{"amr"}},
	{Name: "MP3", Label: "an MP3 audio file", MIME: "audio/mpeg", Kind: KindAudio, Extensions: []string{"mp3"}},
	{Name: "OPUS", Label: "an Opus audio file", MIME: "audio/ogg", Kind: KindAudio, Extensions: []string{"opus", "ogg", "oga"}},
	{Name: "OGA", Label: "an Ogg audio file", MIME: "audio/ogg", Kind: KindAudio, Extensions: []string{"oga", "ogg"}},
	{Name: "OGG", Label: "an Ogg Vorbis audio file", MIME: "audio/ogg", Kind: KindAudio, Extensions: []string{"ogg", "oga"}},
	{Name: "JPG", Label: "a JPEG image", MIME: "image/jpeg", Kind: KindImage, Extensions: []string{"jpg", "jpeg"}},
	{Name: "PNG", Label: "a PNG image", MIME: "image/png", Kind: KindImage, Extensions: []string{"png"}},
	{Name: "MP4", Label: "an MP4 video", MIME: "video/mp4", Kind: KindVideo, Extensions: []string{"mp4"}},
}

// TypeNamed returns the supported type with name (case-insensitive).
func TypeNamed(name string) (Type, bool) {
	for _, t := range Types {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return Type{}, false
}

// TypeNames lists the names of types, in order.
func TypeNames(types []Type) []string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name
	}
	return names
}

// IsSafeImage reports whether a stored file whose content was recognised as mimeType may be shown inline
// by the browser: only JPEG and PNG, never SVG or anything that can carry script.
func IsSafeImage(mimeType string) bool {
	return mimeType == "image/jpeg" || mimeType == "image/png"
}

// KindOfMessage maps a WhatsApp message type to the attachment kind, or "" when the message carries no file
// Switchboard shows as one. Stickers show as images when their content is one, else as files.
func KindOfMessage(messageType string) Kind {
	switch messageType {
	case "image", "sticker":
		return KindImage
	case "audio":
		return KindAudio
	case "video":
		return KindVideo
	case "document":
		return KindDocument
	}
	return ""
}
