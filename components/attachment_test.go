package components

import (
	"strings"
	"testing"
)

func attachmentMessage(a AttachmentView) MessageView {
	return MessageView{ID: a.MessageID, Side: "customer", Kind: a.Kind, Text: "caption", Attachment: &a}
}

// TestAttachmentRendering: each kind shows as described, the file name stays text whatever it holds, and a
// viewer who may not open the file gets no link to it.
func TestAttachmentRendering(t *testing.T) {
	stored := func(kind, typeName string) AttachmentView {
		return AttachmentView{MessageID: 4, Kind: kind, TypeName: typeName, IconLabel: typeName, FileName: hostile + ".pdf", Size: "1.2 MB",
			State: "stored", FileURL: "/attachments/4/file", SaveURL: "/attachments/4/file?download=1", CanOpen: true}
	}
	image := stored("image", "JPG")
	image.ThumbnailURL = "/attachments/4/thumbnail"
	audio := stored("audio", "MP3")
	audio.Player = "audio"
	video := stored("video", "MP4")
	video.Player = "video"
	document := stored("document", "PDF")
	cases := []struct {
		view   AttachmentView
		expect map[string]int // selector → count
	}{
		{image, map[string]int{"[data-testid=attachment-thumbnail][src='/attachments/4/thumbnail']": 1, "a[data-testid=attachment-open][href='/attachments/4/file'][target=_blank]": 1, "[data-testid=attachment-player]": 0}},
		{audio, map[string]int{"audio[data-testid=attachment-player][src='/attachments/4/file'][controls]": 1, "[data-testid=attachment-thumbnail]": 0}},
		{video, map[string]int{"video[data-testid=attachment-player][controls]": 1}},
		{document, map[string]int{"a.attachment-icon[download][href='/attachments/4/file?download=1']": 1, "[data-testid=attachment-player]": 0}},
	}
	for _, c := range cases {
		doc := renderDoc(t, Message(attachmentMessage(c.view)))
		for selector, want := range c.expect {
			if got := doc.Find(selector).Length(); got != want {
				t.Errorf("%s: %d × %s, want %d", c.view.Kind, got, selector, want)
			}
		}
		if got := strings.TrimSpace(doc.Find("[data-testid=attachment-name]").Text()); got != hostile+".pdf" {
			t.Errorf("%s: name shown as %q", c.view.Kind, got)
		}
		if doc.Find("img[onerror], script, [hx-get]").Length() != 0 {
			t.Errorf("%s: markup in the file name was rendered", c.view.Kind)
		}
		if doc.Find("[data-testid=attachment-save][download][href='/attachments/4/file?download=1']").Length() != 1 || doc.Find("[data-testid=attachment-size]").Text() != "1.2 MB" {
			t.Errorf("%s: no Save as or size", c.view.Kind)
		}
	}

	hidden := image
	hidden.CanOpen = false
	doc := renderDoc(t, Message(attachmentMessage(hidden)))
	if n := doc.Find("a, img, audio, video").Length(); n != 0 {
		t.Errorf("a viewer who may not open the file gets %d links or previews", n)
	}
	if doc.Find("[data-testid=attachment-name]").Length() != 1 {
		t.Error("the file's name is not shown")
	}

	retrying := AttachmentView{MessageID: 5, Kind: "image", IconLabel: "IMG", FileName: "Photo", State: "retrying", StateLabel: "Media unavailable — retrying", StateDetail: "HTTP 500", CanOpen: true}
	doc = renderDoc(t, Message(attachmentMessage(retrying)))
	if got := doc.Find("[data-testid=attachment-state]").Text(); got != "Media unavailable — retrying" {
		t.Errorf("state %q", got)
	}
	if n := doc.Find("a, img").Length(); n != 0 {
		t.Errorf("a file not fetched yet has %d links", n)
	}
	if doc.Find("[data-testid=message-text]").Text() != "caption" {
		t.Error("the caption is missing while the file is fetched")
	}
}

func TestComposerHasThePaperclip(t *testing.T) {
	doc := renderDoc(t, Composer(ComposerView{InteractionID: 3, MaxBytes: 4096, Attachment: AttachmentPickerView{
		UploadURL: "/interactions/3/attachments", TwoStep: true, Accept: ".pdf,application/pdf", Limits: `{"max":104857600}`, Hint: hostile}}))
	tray := doc.Find("[data-testid=attachment-tray]")
	if tray.AttrOr("data-upload-url", "") != "/interactions/3/attachments" || tray.AttrOr("data-two-step", "") != "true" || tray.AttrOr("data-limits", "") != `{"max":104857600}` {
		t.Errorf("tray attributes: %v", tray.Nodes[0].Attr)
	}
	input := doc.Find("input[type=file][data-testid=attachment-input]")
	if input.Length() != 1 || input.AttrOr("accept", "") != ".pdf,application/pdf" {
		t.Error("no file input")
	}
	if _, named := input.Attr("name"); named {
		t.Error("the file input has a name, so a text send would post it")
	}
	if doc.Find("[data-testid=attachment-preview][hidden], [data-testid=attachment-progress][hidden] progress").Length() != 2 {
		t.Error("preview and progress must start hidden")
	}
	if doc.Find("img[onerror]").Length() != 0 {
		t.Error("the hint was rendered as markup")
	}
}
