package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/store"
)

// Browser tests of attachments: the agent sends files by paperclip, drop and paste, with and without the
// two-step preview, watches an upload's progress and cancels one; files the customer sends from the
// simulator's phone show as a thumbnail, a player or a type icon; Save as downloads the exact bytes; and a
// failed fetch shows "media unavailable — retrying" until the retry fills it in live.

// writeFile puts content in a temporary file for the browser's file chooser.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// customerSendsFile makes the simulator's customer send a file, and waits until Switchboard took the message.
func (a *testApp) customerSendsFile(waID, name, contentType, caption string, content []byte) string {
	a.t.Helper()
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	form.WriteField("caption", caption)
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
	header.Set("Content-Type", contentType)
	part, _ := form.CreatePart(header)
	part.Write(content)
	form.Close()
	response, err := http.Post(a.URL+"/sim/api/customers/"+waID+"/media?wait=1", form.FormDataContentType(), &body)
	if err != nil {
		a.t.Fatal(err)
	}
	defer response.Body.Close()
	answer, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusAccepted {
		a.t.Fatalf("simulator media message: %s %s", response.Status, answer)
	}
	return string(answer)
}

// activeAgent logs in an agent with auto-answer on, has the customer write, and returns the agent's tab
// with the interaction open.
func activeAgent(t *testing.T, a *testApp, root context.Context, waID string) context.Context {
	t.Helper()
	a.addUser("ava", auth.RoleAgent)
	agent := newTab(t, root)
	login(t, agent, a.URL, "ava")
	goReady(t, agent)
	a.customerSays(waID, `{"name":"Cleo","text":"I will need to send you some documents"}`)
	do(t, agent, "auto-answer opens the interaction", chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-side=customer]")))
	return agent
}

// agentMessages counts the agent's messages in the open transcript.
const agentMessages = `document.querySelectorAll("[data-testid=interaction-pane] [data-side=agent]").length`

// lastAgentAttachment is the JS expression for the attachment of the latest agent message.
const lastAgentAttachment = `Array.from(document.querySelectorAll("[data-side=agent] [data-testid=attachment]")).pop()`

func openPhone(t *testing.T, root context.Context, baseURL, waID string) context.Context {
	t.Helper()
	phone := newTab(t, root)
	do(t, phone, "the customer's phone opens",
		chromedp.Navigate(baseURL+"/sim/phone/"+waID),
		until(`document.querySelector("[data-testid=phone]") && document.querySelector("[data-testid=phone]").dataset.ready === "true"`),
	)
	return phone
}

// TestTwoStepAttachmentInBrowser: with the two-step option (the default) a chosen file waits with a preview
// and an X; X removes it; a dropped PDF waits with its type icon and goes on Send with the typed text as
// caption; a pasted image goes the same way. The phone shows what the customer gets.
func TestTwoStepAttachmentInBrowser(t *testing.T) {
	t.Parallel()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	root := browser(t)
	agent := activeAgent(t, a, root, "447700900321")
	phone := openPhone(t, root, a.URL, "447700900321")

	picture := mediatest.PNG(480, 320)
	do(t, agent, "choose a picture with the paperclip: it waits with a thumbnail, its name and size",
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=attachment-input]"), []string{writeFile(t, "holiday.png", picture)}),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=attachment-preview] [data-testid=attachment-preview-image]")),
		until(`document.querySelector("[data-testid=attachment-preview-image]").naturalWidth === 480`),
	)
	screenshot(t, agent, "two-step-preview")
	if got := evaluate[string](t, agent, `document.querySelector("[data-testid=attachment-preview]").innerText`); !strings.Contains(got, "holiday.png") || !strings.Contains(got, media.FormatSize(int64(len(picture)))) {
		t.Errorf("preview shows %q", got)
	}
	if sent := evaluate[int](t, agent, agentMessages); sent != 0 {
		t.Fatalf("%d messages sent before Send", sent)
	}
	do(t, agent, "X removes it and Send goes back to needing text",
		click("[data-testid=attachment-remove]"),
		until(`document.querySelector("[data-testid=attachment-preview]").hidden`),
		until(`document.querySelector("[data-testid=composer-send]").disabled`),
	)

	pdf := mediatest.PDF(300_000)
	do(t, agent, "drop a PDF onto the interaction: it waits with its type icon",
		dropFile("contract.pdf", "application/pdf", pdf),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=attachment-preview] [data-testid=attachment-preview-icon]")),
		until(`!document.querySelector("[data-testid=composer-send]").disabled`),
	)
	if icon := evaluate[string](t, agent, `document.querySelector("[data-testid=attachment-preview-icon]").textContent`); icon != "PDF" {
		t.Errorf("icon %q", icon)
	}
	do(t, agent, "type a caption and press Send",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "Your contract, signed"),
		pressEnter,
		until(agentMessages+` === 1`),
		until(`document.querySelector("[data-testid=attachment-preview]").hidden`),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=message-status][data-status=read]`)),
	)
	sent := evaluate[map[string]string](t, agent, `(function () { var a = `+lastAgentAttachment+`, li = a.closest("[data-testid=message]");
		return {kind: a.dataset.kind, type: a.dataset.type, name: a.querySelector("[data-testid=attachment-name]").textContent,
			size: a.querySelector("[data-testid=attachment-size]").textContent, icon: a.querySelector("[data-testid=attachment-icon]").textContent,
			save: a.querySelector("[data-testid=attachment-save]").getAttribute("href"), caption: li.querySelector("[data-testid=message-text]").textContent,
			composer: document.querySelector("[data-testid=composer-text]").value}; })()`)
	want := map[string]string{"kind": "document", "type": "PDF", "name": "contract.pdf", "size": media.FormatSize(int64(len(pdf))), "icon": "PDF", "caption": "Your contract, signed", "composer": ""}
	for key, value := range want {
		if sent[key] != value {
			t.Errorf("sent document %s = %q, want %q", key, sent[key], value)
		}
	}
	if !strings.HasSuffix(sent["save"], "/file?download=1") {
		t.Errorf("Save as links to %q", sent["save"])
	}
	do(t, phone, "the customer gets the document with its name, size and caption",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=in][data-kind=document] [data-testid=phone-media-file]`)),
	)
	onPhone := evaluate[string](t, phone, `document.querySelector("[data-direction=in][data-kind=document]").innerText`)
	for _, part := range []string{"contract.pdf", "Your contract, signed", "PDF"} {
		if !strings.Contains(onPhone, part) {
			t.Errorf("the phone shows %q, without %q", onPhone, part)
		}
	}

	jpeg := mediatest.JPEG(300, 200)
	do(t, agent, "paste an image into the message field: it waits with a thumbnail, then goes on Send",
		pasteFile("image.jpg", "image/jpeg", jpeg),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=attachment-preview-image]")),
		click("[data-testid=composer-send]"),
		until(agentMessages+` === 2`),
		until(lastAgentAttachment+`.querySelector("[data-testid=attachment-thumbnail]") && `+lastAgentAttachment+`.querySelector("[data-testid=attachment-thumbnail]").naturalWidth > 0`),
	)
	do(t, phone, "the customer sees the picture",
		until(`Array.from(document.querySelectorAll("[data-direction=in][data-kind=image] [data-testid=phone-media-image]")).some(function (img) { return img.naturalWidth === 300; })`),
	)
	screenshot(t, agent, "two-step-sent")
	screenshot(t, phone, "two-step-phone")
}

// dropFile drops a file built in the page onto the open interaction, as dragging it from the desktop does.
func dropFile(name, mimeType string, content []byte) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
		var bytes = Uint8Array.from(atob(%q), function (c) { return c.charCodeAt(0); });
		var data = new DataTransfer();
		data.items.add(new File([bytes], %q, {type: %q}));
		var target = document.querySelector("[data-testid=interaction-pane]:not([hidden]) [data-testid=transcript]");
		target.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
		target.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
	})()`, b64(content), name, mimeType))
}

// pasteFile pastes a file into the open interaction's message field, as pasting a copied picture does.
func pasteFile(name, mimeType string, content []byte) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
		var bytes = Uint8Array.from(atob(%q), function (c) { return c.charCodeAt(0); });
		var data = new DataTransfer();
		data.items.add(new File([bytes], %q, {type: %q}));
		var field = document.querySelector("[data-testid=interaction-pane]:not([hidden]) [data-testid=composer-text]");
		field.focus();
		field.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
	})()`, b64(content), name, mimeType))
}

// TestOneStepAttachmentInBrowser: with two-step off, a chosen file is sent at once, and what was typed stays
// in the composer.
func TestOneStepAttachmentInBrowser(t *testing.T) {
	t.Parallel()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true", "whatsappsession.two-step-attachment-upload": "false"})
	root := browser(t)
	agent := activeAgent(t, a, root, "447700900322")
	audio := mediatest.MP3(40_000)
	do(t, agent, "type something, then choose an audio file: it is sent at once with no preview",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "still typing"),
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=attachment-input]"), []string{writeFile(t, "voicemail.mp3", audio)}),
		until(agentMessages+` === 1`),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=attachment][data-kind=audio] [data-testid=attachment-player]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=message-status][data-status=delivered], [data-side=agent] [data-testid=message-status][data-status=read]`)),
	)
	if hidden := evaluate[bool](t, agent, `document.querySelector("[data-testid=attachment-preview]").hidden`); !hidden {
		t.Error("a preview was shown in one-step mode")
	}
	if typed := evaluate[string](t, agent, `document.querySelector("[data-testid=composer-text]").value`); typed != "still typing" {
		t.Errorf("the typed text became %q", typed)
	}
	sent := a.sentRequests()
	if len(sent) != 1 || !strings.Contains(sent[0], `"type":"audio"`) || strings.Contains(sent[0], "caption") {
		t.Errorf("the Cloud API got %v", sent)
	}
	screenshot(t, agent, "one-step")
}

// sentRequests lists what the simulated Cloud API accepted, oldest first.
func (a *testApp) sentRequests() []string {
	a.t.Helper()
	response, err := http.Get(a.URL + "/sim/api/sent")
	if err != nil {
		a.t.Fatal(err)
	}
	defer response.Body.Close()
	var list []struct {
		Request json.RawMessage `json:"request"`
	}
	if err := json.NewDecoder(response.Body).Decode(&list); err != nil {
		a.t.Fatal(err)
	}
	var out []string
	for _, item := range list {
		out = append(out, string(item.Request))
	}
	return out
}

// TestUploadProgressAndCancelInBrowser: on a slow line a large file shows its progress; Cancel stops it and
// nothing is sent or kept; sent again, it goes through.
func TestUploadProgressAndCancelInBrowser(t *testing.T) {
	t.Parallel()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	root := browser(t)
	agent := activeAgent(t, a, root, "447700900323")
	large := writeFile(t, "catalogue.pdf", mediatest.PDF(24*media.MB))
	throttle(t, agent, 4*media.MB)

	do(t, agent, "a 24 MB file shows its progress while it uploads",
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=attachment-input]"), []string{large}),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=attachment-preview-icon]")),
		click("[data-testid=composer-send]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=attachment-progress]")),
		until(`(function () { var p = +document.querySelector("[data-testid=attachment-progress-bar]").value; return p > 5 && p < 90; })()`),
	)
	screenshot(t, agent, "progress")
	label := evaluate[string](t, agent, `document.querySelector("[data-testid=attachment-progress-label]").textContent`)
	if !strings.Contains(label, "catalogue.pdf") || !strings.Contains(label, "%") {
		t.Errorf("progress label %q", label)
	}
	do(t, agent, "Cancel stops it",
		click("[data-testid=attachment-cancel]"),
		until(`document.querySelector("[data-testid=attachment-progress]").hidden`),
		until(`document.querySelector("[data-testid=composer-error]").textContent.indexOf("Upload cancelled") === 0`),
	)
	waitFor(t, "the server to drop the interrupted upload", func() bool {
		entries, _ := os.ReadDir(a.Media.TempDir())
		return len(entries) == 0
	})
	if n := countRows(t, a.Store, `SELECT COUNT(*) FROM attachments`); n != 0 {
		t.Errorf("%d attachments after a cancelled upload", n)
	}
	if sent := evaluate[int](t, agent, agentMessages); sent != 0 {
		t.Errorf("%d messages after a cancelled upload", sent)
	}

	throttle(t, agent, 0)
	do(t, agent, "the file still waits; Send again sends it",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=attachment-preview-icon]")),
		click("[data-testid=composer-send]"),
		until(agentMessages+` === 1`),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=message-status][data-status=delivered], [data-side=agent] [data-testid=message-status][data-status=read]`)),
	)
}

// TestAttachmentLimitExplainedInBrowser: a file the browser can tell is too large is refused with the reason
// before anything is uploaded; a disguised file is refused by the server, which says what it really is.
func TestAttachmentLimitExplainedInBrowser(t *testing.T) {
	t.Parallel()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	root := browser(t)
	agent := activeAgent(t, a, root, "447700900324")
	do(t, agent, "a 6 MB picture is explained before upload",
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=attachment-input]"), []string{writeFile(t, "big.png", mediatest.PaddedPNG(6*media.MB))}),
		until(`document.querySelector("[data-testid=composer-error]").textContent.length > 0`),
	)
	if got := evaluate[string](t, agent, `document.querySelector("[data-testid=composer-error]").textContent`); got != "“big.png” is 6 MB; JPG and PNG images can be at most 5 MB." {
		t.Errorf("explanation %q", got)
	}
	if hidden := evaluate[bool](t, agent, `document.querySelector("[data-testid=attachment-preview]").hidden`); !hidden {
		t.Error("the refused file waits to be sent")
	}
	do(t, agent, "an HTML page named .pdf is refused by the server, saying what it is",
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=attachment-input]"), []string{writeFile(t, "invoice.pdf", mediatest.HTML())}),
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "see attached"),
		click("[data-testid=composer-send]"),
		until(`document.querySelector("[data-testid=composer-error]").textContent.indexOf("HTML") > 0`),
	)
	got := evaluate[string](t, agent, `document.querySelector("[data-testid=composer-error]").textContent`)
	if !strings.HasPrefix(got, "“invoice.pdf” cannot be sent. Its name says PDF, but its content is an HTML document.") {
		t.Errorf("refusal %q", got)
	}
	if typed := evaluate[string](t, agent, `document.querySelector("[data-testid=composer-text]").value`); typed != "see attached" {
		t.Errorf("typed text became %q", typed)
	}
	if n := countRows(t, a.Store, `SELECT COUNT(*) FROM messages WHERE direction = 'out'`); n != 0 {
		t.Errorf("%d outbound messages", n)
	}
	screenshot(t, agent, "refused")
}

// TestInboundMediaInBrowser: a picture, a voice recording, a video and a PDF from the customer's phone show
// as a thumbnail that opens full size, players with an icon, and a type icon; every one with name, size and
// Save as. Save as downloads exactly the bytes the customer sent.
func TestInboundMediaInBrowser(t *testing.T) {
	t.Parallel()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	root := browser(t)
	agent := activeAgent(t, a, root, "447700900325")
	phone := openPhone(t, root, a.URL, "447700900325")

	picture := mediatest.JPEG(800, 600)
	do(t, phone, "the customer sends a photo with the phone's paperclip",
		chromedp.SendKeys(chromedp.CSS("[data-testid=phone-composer]"), "the damaged box"),
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=phone-attach-input]"), []string{writeFile(t, "IMG_2041.jpg", picture)}),
		until(`Array.from(document.querySelectorAll("[data-direction=out][data-kind=image] [data-testid=phone-media-image]")).some(function (img) { return img.naturalWidth === 800; })`),
	)
	mp3 := mediatest.MP3(120_000)
	a.customerSendsFile("447700900325", "voice note.mp3", "audio/mpeg", "", mp3)
	video := mediatest.MP4(400_000)
	a.customerSendsFile("447700900325", "unboxing.mp4", "video/mp4", "watch this", video)
	pdf := mediatest.PDF(150_000)
	a.customerSendsFile("447700900325", "<img src=x onerror=alert(1)> receipt.pdf", "application/pdf", "my receipt", pdf)

	do(t, agent, "all four arrive and are fetched; the picture's thumbnail loads when it is in view",
		until(`document.querySelectorAll("[data-side=customer] [data-testid=attachment][data-state=stored]").length === 4`),
		chromedp.ScrollIntoView(chromedp.CSS("[data-testid=attachment-thumbnail]")),
		until(`document.querySelector("[data-testid=attachment-thumbnail]").naturalWidth > 0`),
	)
	screenshot(t, agent, "inbound-media")
	type shown struct {
		Kind, Type, Name, Size, Icon string
		Save, Caption                string
		Thumbnail, Player            string
		ThumbnailWidth               int
		OpenHref                     string
	}
	items := evaluate[[]shown](t, agent, `Array.from(document.querySelectorAll("[data-side=customer] [data-testid=attachment]")).map(function (a) {
		var li = a.closest("[data-testid=message]"), img = a.querySelector("[data-testid=attachment-thumbnail]"),
			player = a.querySelector("[data-testid=attachment-player]"), open = a.querySelector("[data-testid=attachment-open]"),
			caption = li.querySelector("[data-testid=message-text]");
		return {Kind: a.dataset.kind, Type: a.dataset.type, Name: a.querySelector("[data-testid=attachment-name]").textContent,
			Size: a.querySelector("[data-testid=attachment-size]").textContent, Icon: a.querySelector("[data-testid=attachment-icon]").textContent,
			Save: a.querySelector("[data-testid=attachment-save]").getAttribute("href"), Caption: caption ? caption.textContent : "",
			Thumbnail: img ? img.getAttribute("src") : "", ThumbnailWidth: img ? img.naturalWidth : 0, Player: player ? player.tagName : "",
			OpenHref: open ? open.getAttribute("href") : ""};
	})`)
	if len(items) != 4 {
		t.Fatalf("%d attachments shown", len(items))
	}
	want := []shown{
		{Kind: "image", Type: "JPG", Name: "photo.jpg", Size: media.FormatSize(int64(len(picture))), Icon: "JPG", Caption: "the damaged box", ThumbnailWidth: media.ThumbnailSize},
		{Kind: "audio", Type: "MP3", Name: "audio.mp3", Size: media.FormatSize(int64(len(mp3))), Icon: "MP3", Player: "AUDIO"},
		{Kind: "video", Type: "MP4", Name: "video.mp4", Size: media.FormatSize(int64(len(video))), Icon: "MP4", Player: "VIDEO", Caption: "watch this"},
		{Kind: "document", Type: "PDF", Name: "<img src=x onerror=alert(1)> receipt.pdf", Size: media.FormatSize(int64(len(pdf))), Icon: "PDF", Caption: "my receipt"},
	}
	for i, w := range want {
		got := items[i]
		if got.Kind != w.Kind || got.Type != w.Type || got.Name != w.Name || got.Size != w.Size || got.Icon != w.Icon || got.Caption != w.Caption || got.Player != w.Player {
			t.Errorf("attachment %d shows %+v, want %+v", i, got, w)
		}
		if !strings.HasSuffix(got.Save, "/file?download=1") {
			t.Errorf("attachment %d: Save as links to %q", i, got.Save)
		}
		if w.Kind == "image" && (got.ThumbnailWidth != w.ThumbnailWidth || !strings.HasSuffix(got.Thumbnail, "/thumbnail") || !strings.HasSuffix(got.OpenHref, "/file")) {
			t.Errorf("image: thumbnail %q (%d px wide), opens %q", got.Thumbnail, got.ThumbnailWidth, got.OpenHref)
		}
	}
	if injected := evaluate[int](t, agent, `document.querySelectorAll("[data-testid=transcript] img:not([data-testid=attachment-thumbnail])").length`); injected != 0 {
		t.Error("markup in a file name was rendered")
	}

	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(agent, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, BrowserContextID: chromedp.FromContext(agent).BrowserContextID,
	}); err != nil {
		t.Fatal(err)
	}
	do(t, agent, "Save as on the PDF",
		click(`[data-side=customer] [data-testid=attachment][data-type=PDF] [data-testid=attachment-save]`),
	)
	var saved string
	var got []byte
	waitFor(t, "the download to finish", func() bool {
		entries, _ := os.ReadDir(downloads)
		for _, entry := range entries {
			if !strings.HasSuffix(entry.Name(), ".crdownload") && strings.HasSuffix(entry.Name(), "receipt.pdf") {
				saved = filepath.Join(downloads, entry.Name())
				got, _ = os.ReadFile(saved)
				return len(got) == len(pdf)
			}
		}
		return false
	})
	if !bytes.Equal(got, pdf) {
		t.Errorf("Save as wrote %d bytes that differ from the %d the customer sent", len(got), len(pdf))
	}
	t.Logf("saved as %s", filepath.Base(saved))

	do(t, phone, "the phone shows what the customer sent",
		until(`document.querySelectorAll("[data-direction=out] [data-testid=phone-media]").length === 4`),
	)
	screenshot(t, phone, "phone-media")
}

// TestFailedMediaDownloadRetriesInBrowser: when fetching the customer's file fails, the message still shows
// at once, as "media unavailable — retrying", and the retry fills it in without a reload.
func TestFailedMediaDownloadRetriesInBrowser(t *testing.T) {
	t.Parallel()
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	root := browser(t)
	agent := activeAgent(t, a, root, "447700900326")
	injectMediaFailure(t, a.URL, `{"kind":"download_http500","count":1}`)
	a.customerSendsFile("447700900326", "scan.png", "image/png", "here", mediatest.PNG(200, 200))
	do(t, agent, "the message is there at once, its file unavailable and retrying",
		chromedp.WaitVisible(chromedp.CSS(`[data-side=customer] [data-testid=attachment][data-state=retrying]`)),
	)
	if label := evaluate[string](t, agent, `document.querySelector("[data-testid=attachment-state]").textContent`); label != "Media unavailable — retrying" {
		t.Errorf("state shown as %q", label)
	}
	if caption := evaluate[string](t, agent, `document.querySelector("[data-side=customer]:last-child [data-testid=message-text]").textContent`); caption != "here" {
		t.Errorf("caption %q", caption)
	}
	screenshot(t, agent, "retrying")
	do(t, agent, "the retry fills it in live",
		chromedp.WaitVisible(chromedp.CSS(`[data-side=customer] [data-testid=attachment][data-state=stored] [data-testid=attachment-thumbnail]`)),
	)
	var a1 store.Attachment
	a1, _ = a.Store.AttachmentByMessage(context.Background(), lastMessageID(t, a.Store))
	if a1.Attempts != 2 {
		t.Errorf("fetched after %d attempts, want 2", a1.Attempts)
	}
}

func injectMediaFailure(t *testing.T, baseURL, body string) {
	t.Helper()
	response, err := http.Post(baseURL+"/sim/api/media-failures", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.StatusCode >= 300 {
		t.Fatalf("inject media failure: %s", response.Status)
	}
}

// emulateNetworkConditions is Network.emulateNetworkConditionsByRule as this Chromium takes it: its offline flag
// moved between protocol versions, so the parameters are sent as plain JSON rather than cdproto's struct.
var emulateNetworkConditions = cdp.Command[map[string]any, map[string]any]{Method: "Network.emulateNetworkConditionsByRule"}

// throttle slows the tab's uploads to bytesPerSecond (0 lifts the limit).
func throttle(t *testing.T, tab context.Context, bytesPerSecond float64) {
	t.Helper()
	if bytesPerSecond == 0 {
		bytesPerSecond = -1
	}
	if err := chromedp.Do(tab, networkConditions(false, bytesPerSecond)); err != nil {
		t.Fatalf("throttle: %v", err)
	}
}

// networkConditions cuts the tab off the network, or limits its uploads (-1: no limit).
func networkConditions(offline bool, uploadBytesPerSecond float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		if _, err := cdp.Call(ctx, target, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, target, emulateNetworkConditions, map[string]any{
			"offline": offline,
			"matchedNetworkConditions": []map[string]any{{"urlPattern": "", "latency": 0, "downloadThroughput": -1,
				"uploadThroughput": uploadBytesPerSecond, "offline": offline}},
		})
		return err
	})
}

func waitFor(t *testing.T, what string, condition func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !condition() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func countRows(t *testing.T, st *store.Store, query string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func lastMessageID(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var id int64
	if err := st.DB().QueryRow(`SELECT MAX(id) FROM messages`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func b64(content []byte) string { return base64.StdEncoding.EncodeToString(content) }
