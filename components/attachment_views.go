package components

// AttachmentView is the file a message carries, as the transcript shows it.
type AttachmentView struct {
	MessageID    int64
	Kind         string // "image", "audio", "video" or "document"
	TypeName     string // "PDF", "JPG"…; empty when the content is of no supported type
	IconLabel    string // the text on the type icon
	FileName     string
	Size         string
	State        string // "pending", "retrying", "unavailable" or "stored"
	StateLabel   string
	StateDetail  string
	FileURL      string // shows the file: full-size image, or the source of a player
	SaveURL      string // saves the file under its name
	ThumbnailURL string // a server-made preview; images only
	Player       string // "audio", "video" or empty
	CanOpen      bool   // the viewer may open and save the file
}

// Stored reports whether the file's bytes are in storage.
func (a AttachmentView) Stored() bool { return a.State == "stored" }

// AttachmentPickerView is the composer's paperclip and the area where a chosen file waits and uploads.
type AttachmentPickerView struct {
	UploadURL string
	TwoStep   bool   // preview first and send on Send; otherwise send as soon as a file is chosen
	Accept    string // the file dialog's filter
	Limits    string // JSON with the size limits for the browser's own checks (static/attachments.js)
	Hint      string // what may be sent, for the paperclip's tooltip
}
