package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"switchboard/components"
	"switchboard/internal/auth"
	"switchboard/internal/media"
	"switchboard/internal/options"
	"switchboard/store"
)

// attachmentOf adds the file of message m to its view, if it carries one.
func (s *Server) attachmentOf(ctx context.Context, vc viewContext, view *components.MessageView, m store.Message) error {
	if media.KindOfMessage(m.Kind) == "" {
		return nil
	}
	a, err := s.Store.AttachmentByMessage(ctx, m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	i, err := s.Store.InteractionByID(ctx, m.InteractionID)
	if err != nil {
		return err
	}
	vc.addAttachment(view, m, a, i)
	return nil
}

// addAttachment fills in how the file a of message m shows in interaction i for the viewer.
func (vc viewContext) addAttachment(view *components.MessageView, m store.Message, a store.Attachment, i store.Interaction) {
	kind := media.KindOfMessage(m.Kind)
	if kind == media.KindImage && a.State == store.AttachmentStored && !media.IsSafeImage(a.ContentType) {
		kind = media.KindDocument // a sticker or an image of a kind browsers should not be trusted to render
	}
	base := fmt.Sprintf("/attachments/%d", m.ID)
	v := &components.AttachmentView{
		MessageID: m.ID,
		Kind:      string(kind),
		TypeName:  a.TypeName,
		IconLabel: a.TypeName,
		FileName:  a.FileName,
		State:     a.State,
		FileURL:   base + "/file",
		SaveURL:   base + "/file?download=1",
		CanOpen:   auth.CanSeeInteraction(vc.viewer, i),
	}
	if v.IconLabel == "" {
		v.IconLabel = map[media.Kind]string{media.KindImage: "IMG", media.KindAudio: "AUD", media.KindVideo: "VID"}[kind]
	}
	if v.IconLabel == "" {
		v.IconLabel = "FILE"
	}
	if v.FileName == "" {
		v.FileName = defaultFileName(kind, a)
	}
	if a.Size > 0 {
		v.Size = media.FormatSize(a.Size)
	}
	switch a.State {
	case store.AttachmentPending:
		v.StateLabel = "Loading media…"
	case store.AttachmentRetrying:
		v.StateLabel, v.StateDetail = "Media unavailable — retrying", a.LastError
	case store.AttachmentUnavailable:
		v.StateLabel, v.StateDetail = "Media unavailable", a.LastError
	}
	if a.State == store.AttachmentStored {
		switch kind {
		case media.KindImage:
			v.ThumbnailURL = base + "/thumbnail"
		case media.KindAudio:
			v.Player = "audio"
		case media.KindVideo:
			v.Player = "video"
		}
	}
	view.Attachment = v
	view.Placeholder = ""
}

// defaultFileName names a file that came without a name (photos, voice notes) after what it is.
func defaultFileName(kind media.Kind, a store.Attachment) string {
	name := map[media.Kind]string{media.KindImage: "Photo", media.KindAudio: "Audio", media.KindVideo: "Video"}[kind]
	if name == "" {
		name = "Document"
	}
	if typ, ok := media.TypeNamed(a.TypeName); ok {
		return strings.ToLower(name) + "." + typ.Extensions[0]
	}
	return name
}

// attachmentPickerView tells the composer what may be attached, for the browser's checks before an upload.
func (s *Server) attachmentPickerView(interactionID int64) components.AttachmentPickerView {
	limits := media.LimitsFrom(s.Options)
	var accept, names []string
	for _, t := range limits.AllowedTypes() {
		names = append(names, t.Name)
		for _, extension := range t.Extensions {
			accept = append(accept, "."+extension)
		}
		accept = append(accept, t.MIME)
	}
	browserLimits := map[string]any{"max": media.MaxFileSize}
	for kind, size := range limits.MaxBytes {
		browserLimits[string(kind)] = size
	}
	encoded, _ := json.Marshal(browserLimits)
	documents := "up to " + media.FormatSize(limits.MaxBytes[media.KindDocument])
	if limits.MaxBytes[media.KindDocument] >= media.MaxFileSize-1 {
		documents = "under " + media.FormatSize(media.MaxFileSize)
	}
	hint := fmt.Sprintf("Attach a file (%s): images up to %s, audio up to %s, video up to %s, documents %s.",
		strings.Join(names, ", "), media.FormatSize(limits.MaxBytes[media.KindImage]), media.FormatSize(limits.MaxBytes[media.KindAudio]),
		media.FormatSize(limits.MaxBytes[media.KindVideo]), documents)
	return components.AttachmentPickerView{
		UploadURL: fmt.Sprintf("/interactions/%d/attachments", interactionID),
		TwoStep:   s.Options.Bool(options.TwoStepAttachmentUpload),
		Accept:    strings.Join(dedupe(accept), ","),
		Limits:    string(encoded),
		Hint:      hint,
	}
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, item := range list {
		if !seen[item] {
			seen[item] = true
			out = append(out, item)
		}
	}
	return out
}
