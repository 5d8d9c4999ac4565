package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/notify"
	"switchboard/store"
)

// saveResponse stores a response through the same rules the admin page uses (a notification is also
// registered with the simulator) and returns its id.
func (a *testApp) saveResponse(in notify.ResponseInput) int64 {
	a.t.Helper()
	ctx := context.Background()
	if in.CategoryID == 0 {
		categories, err := a.Store.ResponseCategories(ctx)
		if err != nil || len(categories) == 0 {
			a.t.Fatalf("categories: %v %v", categories, err)
		}
		in.CategoryID = categories[0].ID
	}
	in.Active = true
	id, problems, err := a.Responses.SaveResponse(ctx, in)
	if err != nil || len(problems) > 0 {
		a.t.Fatalf("save response %q: %v %v", in.Name, err, problems)
	}
	if in.Kind == notify.KindNotification {
		r, err := a.Store.ResponseByID(ctx, id)
		if err != nil || r.WAStatus != "APPROVED" {
			a.t.Fatalf("notification %q not registered with the simulator: %+v %v", in.Name, r, err)
		}
	}
	return id
}

// attach adds a file to a text response through the admin rules.
func (a *testApp) attach(responseID int64, name string, content []byte) store.OutboundFile {
	a.t.Helper()
	file, err := a.Responses.AddAttachment(context.Background(), responseID, name, bytes.NewReader(content))
	if err != nil {
		a.t.Fatalf("attach %s: %v", name, err)
	}
	return file
}

// sentMessage is one message the simulator accepted, with the exact request the product sent.
type sentMessage struct {
	WAMID   string          `json:"wamid"`
	To      string          `json:"to"`
	Type    string          `json:"type"`
	Request json.RawMessage `json:"request"`
}

func (a *testApp) sent() []sentMessage {
	a.t.Helper()
	response, err := http.Get(a.URL + "/sim/api/sent")
	if err != nil {
		a.t.Fatal(err)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	var list []sentMessage
	if err := json.Unmarshal(body, &list); err != nil {
		a.t.Fatalf("sent: %v %s", err, body)
	}
	return list
}

// openInteraction logs an agent in with auto-answer and waits for the customer's conversation to open.
func openInteraction(t *testing.T, a *testApp, tab context.Context, agent, waID, firstMessage string) {
	t.Helper()
	login(t, tab, a.URL, agent)
	goReady(t, tab)
	a.customerSays(waID, firstMessage)
	do(t, tab, "the conversation opens",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=interaction-pane] [data-side=customer]")),
		until(`document.documentElement.getAttribute("data-responses-ready") === "true"`),
	)
}

// searchResponses types a search into the open Responses panel and waits for exactly the responses named.
func searchResponses(t *testing.T, tab context.Context, term string, names ...string) {
	t.Helper()
	want, _ := json.Marshal(names)
	do(t, tab, "search responses for "+term,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=responses-search]").value = ""`),
		chromedp.SendKeys(chromedp.CSS("[data-testid=responses-search]"), term),
		until(`!document.querySelector(".responses-search.htmx-request") && JSON.stringify(Array.from(document.querySelectorAll(
			"[data-testid=responses-list] [data-testid=response-item]")).map(function (li) { return li.dataset.name; })) === `+"`"+string(want)+"`"),
		chromedp.Sleep(250*time.Millisecond), // the search waits 200 ms after the last key; let a late one land
		until(`!document.querySelector(".responses-search.htmx-request")`),
	)
}

// openResponses shows the Responses panel (the header button toggles it).
var openResponses = chromedp.Evaluate[chromedp.Void](`!document.querySelector("[data-testid=responses-panel]").hidden ||
	document.querySelector("[data-testid=responses-open]").click()`)

// clearComposer empties the composer as deleting the text would.
var clearComposer = chromedp.Evaluate[chromedp.Void](`(function () { var t = document.querySelector("[data-testid=composer-text]");
	t.value = ""; t.dispatchEvent(new Event("input", {bubbles: true})); })()`)

// generalCategory adds the category ordinary responses go in.
func (a *testApp) generalCategory() int64 {
	a.t.Helper()
	id, err := a.Store.CreateResponseCategory(context.Background(), "General")
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

var pdfBytes = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
var pngBytes = mediatest.PNG(16, 16)

// TestStandardResponsesInBrowser: an agent inserts a standard response from the Responses panel (found by
// search, fields filled from the contact and the agent) and by typing its /shortcut; a response with two
// attachments sends its text first and then each file, and X removes an attachment before sending.
func TestStandardResponsesInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	general := a.generalCategory()
	a.saveResponse(notify.ResponseInput{Name: "Greeting", Kind: notify.KindText, Shortcut: "hello", CategoryID: general,
		Body: "Hi {contact.first_name}, this is {agent.name}. How can I help?"})
	terms := a.saveResponse(notify.ResponseInput{Name: "Terms and map", Kind: notify.KindText, Shortcut: "terms", CategoryID: general,
		Body: "Here are our terms and the way to our shop."})
	a.attach(terms, "terms.pdf", pdfBytes)
	a.attach(terms, "map.png", pngBytes)
	tab := newTab(t, browser(t))
	openInteraction(t, a, tab, "ava", "447700900321", `{"name":"Ann Lee","text":"Hello?"}`)

	composer := chromedp.CSS("[data-testid=composer-text]")
	do(t, tab, "open Responses",
		click("[data-testid=responses-open]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=responses-panel]")),
	)
	searchResponses(t, tab, "greet", "Greeting")
	screenshot(t, tab, "responses-panel")
	// Pressing Insert takes the focus from the search box; that must not search again, or the list would be
	// replaced under the pressed button and the click lost.
	do(t, tab, "count searches", chromedp.Evaluate[chromedp.Void](`window.__searches = 0; document.body.addEventListener("htmx:beforeRequest",
		function (e) { if (e.detail.elt.matches(".responses-search")) window.__searches++; })`))
	do(t, tab, "insert the greeting",
		click(`[data-testid=response-item][data-name="Greeting"] [data-testid=response-insert]`),
		until(`document.querySelector("[data-testid=composer-text]").value === "Hi Ann, this is Ava. How can I help?"`),
	)
	if n := evaluate[int](t, tab, `window.__searches`); n != 0 {
		t.Errorf("%d searches when Insert was pressed, want none", n)
	}
	do(t, tab, "send it",
		pressEnter,
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=message-text]`)),
	)

	do(t, tab, "type the shortcut and a space",
		chromedp.SendKeys(composer, "Also: /hello "),
		until(`document.querySelector("[data-testid=composer-text]").value === "Also: Hi Ann, this is Ava. How can I help?"`),
		clearComposer,
	)

	do(t, tab, "insert the response with two attachments by its shortcut",
		chromedp.SendKeys(composer, "/terms\t"),
		until(`document.querySelectorAll("[data-testid=composer-attachment]").length === 2`),
	)
	if text := evaluate[string](t, tab, `document.querySelector("[data-testid=composer-text]").value`); text != "Here are our terms and the way to our shop." {
		t.Errorf("composer after /terms: %q", text)
	}
	screenshot(t, tab, "attachments")
	do(t, tab, "send text and both files",
		click("[data-testid=composer-send]"),
		until(`document.querySelectorAll("[data-side=agent]").length === 4`),
		until(`document.querySelectorAll("[data-testid=composer-attachment]").length === 0`),
		until(`Array.from(document.querySelectorAll("[data-side=agent] [data-testid=message-status]")).every(function (s) {
			return s.dataset.status === "delivered" || s.dataset.status === "read"; })`),
	)
	kinds := evaluate[[]string](t, tab, `Array.from(document.querySelectorAll("[data-side=agent]")).map(function (li) { return li.dataset.kind; })`)
	if strings.Join(kinds, ",") != "text,text,document,image" {
		t.Errorf("transcript kinds %v, want the text then the document then the image", kinds)
	}

	searchResponses(t, tab, "terms", "Terms and map")
	do(t, tab, "insert it again from the panel and remove one file with X",
		click(`[data-testid=response-item][data-name="Terms and map"] [data-testid=response-insert]`),
		until(`document.querySelectorAll("[data-testid=composer-attachment]").length === 2`),
		click(`[data-testid=composer-attachment]:first-child [data-testid=composer-attachment-remove]`),
		until(`document.querySelectorAll("[data-testid=composer-attachment]").length === 1`),
		click("[data-testid=composer-send]"),
		until(`document.querySelectorAll("[data-side=agent]").length === 6`),
	)

	sent := a.sent()
	var order []string
	for _, m := range sent {
		var request struct {
			Type     string `json:"type"`
			Text     struct{ Body string }
			Document struct{ ID, Filename string }
			Image    struct{ ID string }
		}
		_ = json.Unmarshal(m.Request, &request)
		switch request.Type {
		case "text":
			order = append(order, "text:"+request.Text.Body)
		case "document":
			order = append(order, "document:"+request.Document.Filename+":"+map[bool]string{true: "by id", false: "no id"}[request.Document.ID != ""])
		case "image":
			order = append(order, "image:"+map[bool]string{true: "by id", false: "no id"}[request.Image.ID != ""])
		}
	}
	want := []string{"text:Hi Ann, this is Ava. How can I help?", "text:Here are our terms and the way to our shop.", "document:terms.pdf:by id", "image:by id",
		"text:Here are our terms and the way to our shop.", "image:by id"}
	if strings.Join(order, " | ") != strings.Join(want, " | ") {
		t.Errorf("sent in this order:\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	screenshot(t, tab, "sent")
}

// paymentConfirmation is a notification like the vendor's example: a text header with a parameter, body
// parameters (one filled from the contact), a footer, a phone button and a website with a dynamic suffix.
func paymentConfirmation() *notify.Template {
	return &notify.Template{
		Name: "payment_confirmation", Language: "en_US", Category: "UTILITY",
		Header: notify.Header{Format: notify.HeaderText, Text: "Order {{1}}"},
		Body:   "Hello {{1}}.\nHave you ordered {{2}}?\nIf yes, please confirm the {{3}} payment.",
		Footer: "Flowers Inc.",
		Buttons: []notify.TemplateButton{
			{Type: notify.ButtonPhoneNumber, Text: "Call back", PhoneNumber: "+18881112222"},
			{Type: notify.ButtonURL, Text: "Track order", URL: "https://shop.example/track/{{1}}"},
		},
		Parameters: map[string]notify.Parameter{
			"header.1":  {Label: "Order number", Example: "A-1"},
			"body.1":    {Label: "Name", Field: "contact.name"},
			"body.2":    {Label: "Product", Example: "flowers"},
			"body.3":    {Label: "Amount", Example: "$10"},
			"button2.1": {Label: "Tracking code", Example: "abc"},
		},
	}
}

func editorInput(key string) chromedp.CSS {
	return chromedp.CSS(`[data-testid=editor-field][data-key="` + key + `"] [data-testid=editor-input]`)
}

// TestNotificationEditorInBrowser: inserting a notification opens the editor with a field per parameter,
// prefilled from the contact where mapped, beside a live preview; an invalid value is explained where it
// is and disables Send; Cancel discards; Send delivers exactly the template message.
func TestNotificationEditorInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	a.saveResponse(notify.ResponseInput{Name: "Payment confirmation", Kind: notify.KindNotification, Definition: notify.Definition{Template: paymentConfirmation()}})
	tab := newTab(t, browser(t))
	openInteraction(t, a, tab, "ava", "447700900654", `{"name":"Masha Ivanova","text":"Did my payment arrive?"}`)

	open := func(what string) {
		do(t, tab, what,
			openResponses,
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=response-item][data-name="Payment confirmation"]`)),
			click(`[data-testid=response-item][data-name="Payment confirmation"] [data-testid=response-insert]`),
			chromedp.WaitVisible(chromedp.CSS("[data-testid=editor]")),
		)
	}
	open("insert the notification")
	labels := evaluate[[]string](t, tab, `Array.from(document.querySelectorAll("[data-testid=editor-field] label")).map(function (l) { return l.textContent.trim() + "=" +
		l.parentNode.querySelector("[data-testid=editor-input]").value; })`)
	want := []string{"Header {{1}} · Order number=A-1", "Body {{1}} · Name=Masha Ivanova", "Body {{2}} · Product=flowers", "Body {{3}} · Amount=$10", "Button 2 URL {{1}} · Tracking code=abc"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("editor fields\n%s\nwant\n%s", strings.Join(labels, "\n"), strings.Join(want, "\n"))
	}
	if body := evaluate[string](t, tab, `document.querySelector("[data-testid=editor-preview] [data-testid=rich-body]").textContent`); body != "Hello Masha Ivanova.\nHave you ordered flowers?\nIf yes, please confirm the $10 payment." {
		t.Errorf("preview body %q", body)
	}

	do(t, tab, "typing a product updates the preview",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-key="body.2"] [data-testid=editor-input]').value = ""`),
		chromedp.SendKeys(editorInput("body.2"), "roses"),
		until(`document.querySelector("[data-testid=editor-preview] [data-testid=rich-body]").textContent.indexOf("Have you ordered roses?") >= 0`),
	)
	screenshot(t, tab, "editor")
	do(t, tab, "more than four spaces in the header parameter is refused in place and disables Send",
		chromedp.SendKeys(editorInput("header.1"), "     7"),
		chromedp.WaitVisible(chromedp.CSS(`[data-key="header.1"] [data-testid=editor-field-error]`)),
		until(`document.querySelector("[data-testid=editor-send]").disabled`),
	)
	if got := evaluate[string](t, tab, `document.querySelector('[data-key="header.1"] [data-testid=editor-field-error]').textContent`); got != "Header {{1}} · Order number: may not contain more than four spaces in a row." {
		t.Errorf("header error %q", got)
	}
	screenshot(t, tab, "editor-invalid")
	do(t, tab, "an emptied parameter is refused too",
		chromedp.Evaluate[chromedp.Void](`(function () { var i = document.querySelector('[data-key="header.1"] [data-testid=editor-input]');
			i.value = "A-17"; i.dispatchEvent(new Event("input", {bubbles: true})); })()`),
		until(`!document.querySelector("[data-testid=editor-send]").disabled`),
		chromedp.Evaluate[chromedp.Void](`(function () { var i = document.querySelector('[data-key="body.3"] [data-testid=editor-input]');
			i.value = ""; i.dispatchEvent(new Event("input", {bubbles: true})); })()`),
		until(`document.querySelector("[data-testid=editor-send]").disabled && document.querySelector('[data-key="body.3"] [data-testid=editor-field-error]').textContent === "Body {{3}} · Amount: fill this in."`),
	)
	do(t, tab, "Cancel discards the notification",
		click("[data-testid=editor-cancel]"),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=editor]")),
	)
	if n := len(a.sent()); n != 0 {
		t.Fatalf("%d messages sent after Cancel", n)
	}

	open("insert it again")
	do(t, tab, "fill it and send",
		chromedp.Evaluate[chromedp.Void](`(function () { var i = document.querySelector('[data-key="header.1"] [data-testid=editor-input]');
			i.value = "A-17"; i.dispatchEvent(new Event("input", {bubbles: true})); })()`),
		until(`!document.querySelector("[data-testid=editor-send]").disabled && document.querySelector("[data-testid=editor-preview] [data-testid=rich-header]").textContent === "Order A-17"`),
		click("[data-testid=editor-send]"),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=editor]")),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=rich-message][data-kind=notification]`)),
		until(`document.querySelector("[data-side=agent] [data-testid=message-status]").dataset.status === "delivered" ||
			document.querySelector("[data-side=agent] [data-testid=message-status]").dataset.status === "read"`),
	)
	screenshot(t, tab, "notification-sent")
	sent := a.sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages", len(sent))
	}
	wantJSON := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900654","type":"template","template":{"name":"payment_confirmation","language":{"code":"en_US"},"components":[` +
		`{"type":"header","parameters":[{"type":"text","text":"A-17"}]},` +
		`{"type":"body","parameters":[{"type":"text","text":"Masha Ivanova"},{"type":"text","text":"flowers"},{"type":"text","text":"$10"}]},` +
		`{"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"abc"}]}]}}`
	if string(sent[0].Request) != wantJSON {
		t.Errorf("template request\n%s\nwant\n%s", sent[0].Request, wantJSON)
	}
	transcript := evaluate[string](t, tab, `document.querySelector("[data-side=agent] [data-testid=rich-message]").innerText`)
	for _, want := range []string{"payment_confirmation", "Order A-17", "Have you ordered flowers?", "Flowers Inc.", "Call back", "Track order"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript)
		}
	}
}

// phoneOf opens the simulator's phone of a customer in tab.
func phoneOf(t *testing.T, a *testApp, tab context.Context, waID string) {
	t.Helper()
	do(t, tab, "open the customer's phone",
		chromedp.Navigate(a.URL+"/sim/phone/"+waID),
		until(`document.querySelector("[data-testid=phone]").dataset.ready === "true"`),
	)
}

// TestRichNotificationQuickReplyInBrowser: a notification with an image header and three QuickReply
// buttons; the agent replaces the header image by uploading a file, sends it, the customer's phone shows
// it and the customer taps a button; the agent sees the choice with the notification quoted and the
// chosen button highlighted.
func TestRichNotificationQuickReplyInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	template := &notify.Template{Name: "delivery_choice", Language: "en_GB", Category: "UTILITY", Header: notify.Header{Format: notify.HeaderImage},
		Body: "In this example we show {{1}} and a header with an image.", Buttons: []notify.TemplateButton{
			{Type: notify.ButtonQuickReply, Text: "One"}, {Type: notify.ButtonQuickReply, Text: "Two"}, {Type: notify.ButtonQuickReply, Text: "Three"}},
		Parameters: map[string]notify.Parameter{"body.1": {Label: "What", Field: "contact.first_name"}}}
	id := a.saveResponse(notify.ResponseInput{Name: "Delivery choice", Kind: notify.KindNotification, Definition: notify.Definition{Template: template}})
	if _, err := a.Responses.SetHeaderFile(context.Background(), id, "cat.png", bytes.NewReader(pngBytes)); err != nil {
		t.Fatal(err)
	}
	upload := t.TempDir() + "/dog.jpg"
	if err := os.WriteFile(upload, mediatest.JPEG(16, 16), 0o644); err != nil {
		t.Fatal(err)
	}
	root := browser(t)
	agent, phone := newTab(t, root), newTab(t, root)
	openInteraction(t, a, agent, "ava", "447700900777", `{"name":"Cy Brown","text":"When will it come?"}`)
	do(t, agent, "insert the notification",
		openResponses,
		click(`[data-testid=response-item][data-name="Delivery choice"] [data-testid=response-insert]`),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=editor]")),
	)
	if name := evaluate[string](t, agent, `document.querySelector("[data-testid=editor-header-file-name]").textContent`); name != "cat.png" {
		t.Errorf("header file %q, want the response's own cat.png", name)
	}
	do(t, agent, "replace the header image by uploading a file",
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=editor-header-upload]"), []string{upload}),
		until(`document.querySelector("[data-testid=editor-header-file-name]").textContent === "dog.jpg"`),
		until(`document.querySelector("[data-testid=editor-preview] [data-testid=rich-media]").textContent.indexOf("dog.jpg") >= 0`),
	)
	screenshot(t, agent, "rich-editor")
	do(t, agent, "send it",
		click("[data-testid=editor-send]"),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=rich-message]`)),
	)

	phoneOf(t, a, phone, "447700900777")
	do(t, phone, "the phone shows the notification with its buttons",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-kind=template]`)),
	)
	bubble := evaluate[string](t, phone, `document.querySelector("[data-testid=phone-message][data-kind=template]").innerText`)
	for _, want := range []string{"Image · dog.jpg", "In this example we show Cy and a header with an image.", "One", "Two", "Three"} {
		if !strings.Contains(bubble, want) {
			t.Errorf("phone bubble lacks %q:\n%s", want, bubble)
		}
	}
	screenshot(t, phone, "phone-notification")
	do(t, phone, "the customer taps Two",
		click(`[data-testid=phone-message][data-kind=template] [data-testid=rich-answer][data-option="1"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=out][data-kind=button]`)),
	)

	do(t, agent, "the agent sees the choice and the notification with Two highlighted",
		chromedp.WaitVisible(chromedp.CSS(`[data-side=customer][data-kind=button] [data-testid=choice]`)),
	)
	screenshot(t, agent, "choice")
	if got := evaluate[string](t, agent, `document.querySelector("[data-kind=button] [data-testid=choice-text]").textContent`); got != "Two" {
		t.Errorf("choice %q", got)
	}
	chosen := evaluate[[]string](t, agent, `Array.from(document.querySelectorAll("[data-kind=button] [data-testid=choice-original] [data-testid=rich-button]")).map(function (b) {
		return b.textContent.replace(/\s+/g, " ").trim() + ":" + b.dataset.chosen + ":" + getComputedStyle(b).fontWeight; })`)
	if strings.Join(chosen, ",") != "↩ One:false:500,↩ Two (chosen):true:700,↩ Three:false:500" {
		t.Errorf("buttons in the quoted notification: %v", chosen)
	}

	sent := a.sent()
	var request struct {
		Template struct {
			Components []struct {
				Type       string `json:"type"`
				SubType    string `json:"sub_type"`
				Parameters []struct {
					Type  string `json:"type"`
					Image *struct {
						ID string `json:"id"`
					} `json:"image"`
					Payload string `json:"payload"`
				} `json:"parameters"`
			} `json:"components"`
		} `json:"template"`
	}
	if err := json.Unmarshal(sent[0].Request, &request); err != nil || len(request.Template.Components) != 5 {
		t.Fatalf("template request %s: %v", sent[0].Request, err)
	}
	header := request.Template.Components[0]
	if header.Type != "header" || header.Parameters[0].Image == nil || header.Parameters[0].Image.ID == "" {
		t.Errorf("header not sent as an uploaded image: %s", sent[0].Request)
	}
	if q := request.Template.Components[3]; q.SubType != "quick_reply" || q.Parameters[0].Payload != "Two" {
		t.Errorf("second quick reply %+v", q)
	}
}

// TestListMessageInBrowser: a list message built from a structured response is edited (a row renamed,
// the preview following), sent, opened on the customer's phone, and a row picked; the agent sees the
// choice with the list quoted and the picked row highlighted.
func TestListMessageInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	a.saveResponse(notify.ResponseInput{Name: "Shipping options", Kind: notify.KindList, CategoryID: a.generalCategory(), Definition: notify.Definition{List: &notify.List{
		Header: "Shipping", Body: "Hi {contact.first_name}, which option do you prefer?", Footer: "Lucky Shrub", Button: "Options",
		Sections: []notify.Section{
			{Title: "I want it ASAP!", Rows: []notify.Row{{Title: "Express", Description: "Next day"}, {Title: "Priority", Description: "1-3 days"}}},
			{Title: "I can wait", Rows: []notify.Row{{Title: "Ground"}}},
		}}}})
	root := browser(t)
	agent, phone := newTab(t, root), newTab(t, root)
	openInteraction(t, a, agent, "ava", "447700900888", `{"name":"Dee Fox","text":"How fast can you ship?"}`)
	do(t, agent, "insert the list",
		openResponses,
		click(`[data-testid=response-item][data-name="Shipping options"] [data-testid=response-insert]`),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=editor][data-kind=list]")),
	)
	if body := evaluate[string](t, agent, `document.querySelector("[data-testid=editor-preview] [data-testid=rich-body]").textContent`); body != "Hi Dee, which option do you prefer?" {
		t.Errorf("preview body %q", body)
	}
	do(t, agent, "a row title over 24 characters is refused; a shorter one is previewed",
		chromedp.Evaluate[chromedp.Void](`(function () { var i = document.querySelector('[data-key="row2_title"] [data-testid=editor-input]');
			i.value = "Priority mail, tracked and insured"; i.dispatchEvent(new Event("input", {bubbles: true})); })()`),
		until(`document.querySelector("[data-testid=editor-send]").disabled &&
			document.querySelector('[data-key="row2_title"] [data-testid=editor-field-error]').textContent === "Row 2 title: 34 characters; at most 24."`),
		chromedp.Evaluate[chromedp.Void](`(function () { var i = document.querySelector('[data-key="row2_title"] [data-testid=editor-input]');
			i.value = "Priority mail"; i.dispatchEvent(new Event("input", {bubbles: true})); })()`),
		until(`!document.querySelector("[data-testid=editor-send]").disabled && Array.from(document.querySelectorAll(
			"[data-testid=editor-preview] [data-testid=rich-row] .rich-row-title")).map(function (r) { return r.textContent; }).join(",") === "Express,Priority mail,Ground"`),
	)
	screenshot(t, agent, "list-editor")
	do(t, agent, "send it",
		click("[data-testid=editor-send]"),
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=rich-message][data-kind=list]`)),
	)

	phoneOf(t, a, phone, "447700900888")
	do(t, phone, "the customer opens the list and picks Priority mail",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message] [data-testid=rich-list-button]`)),
		click(`[data-testid=phone-message] [data-testid=rich-list-button]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message] [data-testid=rich-answer][data-option="row-2"]`)),
		click(`[data-testid=phone-message] [data-testid=rich-answer][data-option="row-2"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=phone-message][data-direction=out][data-kind=interactive]`)),
	)
	screenshot(t, phone, "phone-list")
	do(t, agent, "the agent sees the pick with the list quoted",
		chromedp.WaitVisible(chromedp.CSS(`[data-side=customer][data-kind=interactive] [data-testid=choice]`)),
	)
	screenshot(t, agent, "list-choice")
	rows := evaluate[[]string](t, agent, `Array.from(document.querySelectorAll("[data-kind=interactive] [data-testid=choice-original] [data-testid=rich-row]")).map(function (r) {
		return r.querySelector(".rich-row-title").textContent + ":" + r.dataset.chosen; })`)
	if strings.Join(rows, ",") != "Express:false,Priority mail:true,Ground:false" {
		t.Errorf("rows of the quoted list: %v", rows)
	}
	if got := evaluate[string](t, agent, `document.querySelector("[data-kind=interactive] [data-testid=choice-text]").textContent`); got != "Priority mail" {
		t.Errorf("choice %q", got)
	}
	want := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900888","type":"interactive","interactive":{"type":"list",` +
		`"header":{"type":"text","text":"Shipping"},"body":{"text":"Hi Dee, which option do you prefer?"},"footer":{"text":"Lucky Shrub"},` +
		`"action":{"button":"Options","sections":[{"title":"I want it ASAP!","rows":[{"id":"row-1","title":"Express","description":"Next day"},` +
		`{"id":"row-2","title":"Priority mail","description":"1-3 days"}]},{"title":"I can wait","rows":[{"id":"row-3","title":"Ground"}]}]}}}`
	if sent := a.sent(); len(sent) != 1 || string(sent[0].Request) != want {
		t.Errorf("list request\n%s\nwant\n%s", sent[0].Request, want)
	}
}

// TestOutsideWindowInBrowser: when the customer last wrote more than 24 hours ago, the header says the
// reply window has closed, the composer says only notifications can be sent and offers them, reply
// buttons cannot be sent, and what the agent types goes out as the default notification around their text.
func TestOutsideWindowInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	a.saveResponse(notify.ResponseInput{Name: "Survey", Kind: notify.KindButtons, CategoryID: a.generalCategory(),
		Definition: notify.Definition{Buttons: &notify.ReplyButtons{Body: "Did we solve it?", Buttons: []string{"Yes", "No"}}}})
	tab := newTab(t, browser(t))
	old := time.Now().Add(-25 * time.Hour).Unix()
	openInteraction(t, a, tab, "ava", "447700900999", `{"name":"Eve","text":"My router is broken","timestamp":`+strconv.FormatInt(old, 10)+`}`)

	do(t, tab, "the header and the composer say only notifications can be sent",
		chromedp.WaitVisible(chromedp.CSS("[data-testid=composer-window-closed]")),
		until(`document.querySelector("[data-testid=interaction-pane]").dataset.window === "closed"`),
	)
	if left := evaluate[string](t, tab, `document.querySelector("[data-testid=window-left]").textContent`); left != "Reply window closed: notifications only" {
		t.Errorf("header %q", left)
	}
	notice := evaluate[string](t, tab, `document.querySelector("[data-testid=composer-window-closed]").innerText`)
	if !strings.Contains(notice, "only notifications can be sent") || !strings.Contains(notice, "thank_you_patience") || !strings.Contains(notice, "Thank you for your patience! {{1}}") {
		t.Errorf("composer notice %q", notice)
	}
	screenshot(t, tab, "window-closed")
	do(t, tab, "Show notifications opens the panel on the notifications",
		click("[data-testid=composer-open-notifications]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=responses-panel]")),
		until(`!document.querySelector(".responses-search.htmx-request") && Array.from(document.querySelectorAll("[data-testid=responses-list] [data-testid=response-item]")).map(function (li) {
			return li.dataset.kind; }).join() === "notification"`),
	)
	do(t, tab, "reply buttons cannot be sent outside the window",
		chromedp.Evaluate[chromedp.Void](`(function () { var kind = document.querySelector("[data-testid=responses-kind]");
			kind.value = ""; kind.dispatchEvent(new Event("change", {bubbles: true})); })()`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=response-item][data-name="Survey"]`)),
		click(`[data-testid=response-item][data-name="Survey"] [data-testid=response-insert]`),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=editor] [data-testid=editor-error]")),
	)
	if !evaluate[bool](t, tab, `document.querySelector("[data-testid=editor-send]").disabled`) {
		t.Error("Send is enabled for reply buttons outside the window")
	}
	do(t, tab, "cancel them and type a message",
		click("[data-testid=editor-cancel]"),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=editor]")),
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "We recommend rebooting your device to resolve the issue"), pressEnter,
		chromedp.WaitVisible(chromedp.CSS(`[data-side=agent] [data-testid=rich-message][data-kind=notification]`)),
		until(`["delivered", "read"].indexOf(document.querySelector("[data-side=agent] [data-testid=message-status]").dataset.status) >= 0`),
	)
	screenshot(t, tab, "automatic-notification")
	label := evaluate[string](t, tab, `document.querySelector("[data-side=agent] [data-testid=rich-label]").textContent`)
	body := evaluate[string](t, tab, `document.querySelector("[data-side=agent] [data-testid=rich-body]").textContent`)
	if !strings.Contains(label, "Automatic notification · thank_you_patience") || body != "Thank you for your patience! We recommend rebooting your device to resolve the issue" {
		t.Errorf("transcript shows %q / %q", label, body)
	}
	want := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900999","type":"template","template":{"name":"thank_you_patience","language":{"code":"en_US"},` +
		`"components":[{"type":"body","parameters":[{"type":"text","text":"We recommend rebooting your device to resolve the issue"}]}]}}`
	if sent := a.sent(); len(sent) != 1 || string(sent[0].Request) != want {
		t.Errorf("sent %s\nwant %s", sent, want)
	}

	a.customerSays("447700900999", `{"text":"Rebooted, works now"}`)
	do(t, tab, "a new customer message opens the window again",
		until(`document.querySelector("[data-testid=interaction-pane]").dataset.window === "open"`),
		until(`document.querySelector("[data-testid=window-left]").textContent === "24 h 00 min left to reply"`),
		chromedp.WaitNotVisible(chromedp.CSS("[data-testid=composer-window-closed]")),
	)
}

// TestReengagementFailureInBrowser: when WhatsApp refuses a message with 131047 (the window closed on its
// side) the transcript says so plainly and the message is not sent again.
func TestReengagementFailureInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.setOptions(map[string]string{"interaction.auto-answer": "true"})
	a.addUser("ava", auth.RoleAgent)
	tab := newTab(t, browser(t))
	openInteraction(t, a, tab, "ava", "447700900111", `{"name":"Flo","text":"Hello"}`)
	injectFailure(t, a.URL, `{"kind":"reengagement","count":1}`)
	do(t, tab, "the refused message is explained",
		chromedp.SendKeys(chromedp.CSS("[data-testid=composer-text]"), "Are you still there?"), pressEnter,
		chromedp.WaitVisible(chromedp.CSS("[data-side=agent] [data-testid=message-error]")),
	)
	text := evaluate[string](t, tab, `document.querySelector("[data-side=agent] [data-testid=message-error]").innerText`)
	if !strings.Contains(text, "the 24-hour window has closed") || !strings.Contains(text, "not retried") || !strings.Contains(text, "Send a notification instead") {
		t.Errorf("error shown as %q", text)
	}
	screenshot(t, tab, "reengagement")
	time.Sleep(1500 * time.Millisecond) // a retry would have happened by now (the first backoff is 1 s)
	if sent := a.sent(); len(sent) != 1 {
		t.Errorf("the refused message went to WhatsApp %d times", len(sent))
	}
}

// TestResponseAdminInBrowser: an admin adds a category and a notification through the pages; saving
// registers the template with WhatsApp (the simulator approves it) and lists its parameters for mapping;
// a text response gets an attachment.
func TestResponseAdminInBrowser(t *testing.T) {
	a := startTestApp(t)
	a.addUser("ada", auth.RoleAdmin)
	tab := newTab(t, browser(t))
	login(t, tab, a.URL, "ada")
	do(t, tab, "add a category",
		chromedp.Navigate(a.URL+"/admin/responses"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=category-new-name]"), "Billing"),
		click("[data-testid=category-new-submit]"),
	)
	do(t, tab, "the category is listed", chromedp.WaitVisible(chromedp.CSS(`[data-testid=category-row][data-name="Billing"]`)))
	do(t, tab, "start a notification",
		chromedp.SendKeys(chromedp.CSS("[data-testid=response-new-name]"), "Invoice ready"),
		chromedp.SetValue(chromedp.CSS("[data-testid=response-new-kind]"), "notification"),
		click("[data-testid=response-new] button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=template-name]")),
	)
	do(t, tab, "fill in the template and save",
		chromedp.SendKeys(chromedp.CSS("[data-testid=template-name]"), "invoice_ready"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=template-language]"), "en_GB"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=template-body]"), "Hello {{1}}, invoice {{2}} is ready."),
		chromedp.SendKeys(chromedp.CSS("[data-testid=template-footer]"), "Billing team"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=response-shortcut]"), "invoice"),
		click("[data-testid=response-save]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=response-saved]")),
	)
	if status := evaluate[string](t, tab, `document.querySelector("[data-testid=template-status]").innerText`); !strings.Contains(status, "APPROVED") {
		t.Errorf("template status %q", status)
	}
	if n := evaluate[int](t, tab, `document.querySelectorAll("[data-testid=template-parameter]").length`); n != 2 {
		t.Errorf("%d parameters to map, want 2", n)
	}
	screenshot(t, tab, "notification-admin")

	do(t, tab, "a text response with an attachment",
		chromedp.Navigate(a.URL+"/admin/responses/new?kind=text&name=Invoice+copy"),
		chromedp.SendKeys(chromedp.CSS("[data-testid=response-body]"), "Here is a copy of your invoice, {contact.first_name}."),
		click("[data-testid=response-save]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=response-attachments]")),
	)
	file := t.TempDir() + "/invoice.pdf"
	if err := os.WriteFile(file, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, tab, "attach a PDF",
		chromedp.SetUploadFiles(chromedp.CSS("[data-testid=attachment-file]"), []string{file}),
		click("[data-testid=attachment-upload]"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=response-attachment]")),
	)
	screenshot(t, tab, "text-admin")
	do(t, tab, "both are listed", chromedp.Navigate(a.URL+"/admin/responses"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=response-row][data-name="Invoice copy"]`)))
	sent := evaluate[string](t, tab, `document.querySelector('[data-testid=response-row][data-name="Invoice ready"]').innerText`)
	if !strings.Contains(sent, "APPROVED") || !strings.Contains(sent, "/invoice") {
		t.Errorf("library row %q", sent)
	}
}
