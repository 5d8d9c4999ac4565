package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"switchboard/internal/auth"
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
	file, err := a.Responses.AddAttachment(context.Background(), responseID, name, content)
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
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

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
		chromedp.Click(chromedp.CSS("[data-testid=responses-open]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=responses-panel]")),
	)
	searchResponses(t, tab, "greet", "Greeting")
	screenshot(t, tab, "responses-panel")
	do(t, tab, "insert the greeting",
		chromedp.Click(chromedp.CSS(`[data-testid=response-item][data-name="Greeting"] [data-testid=response-insert]`)),
		until(`document.querySelector("[data-testid=composer-text]").value === "Hi Ann, this is Ava. How can I help?"`),
	)
	do(t, tab, "send it",
		chromedp.KeyEvent("\r"),
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
		chromedp.Click(chromedp.CSS("[data-testid=composer-send]")),
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
		chromedp.Click(chromedp.CSS(`[data-testid=response-item][data-name="Terms and map"] [data-testid=response-insert]`)),
		until(`document.querySelectorAll("[data-testid=composer-attachment]").length === 2`),
		chromedp.Click(chromedp.CSS(`[data-testid=composer-attachment]:first-child [data-testid=composer-attachment-remove]`)),
		until(`document.querySelectorAll("[data-testid=composer-attachment]").length === 1`),
		chromedp.Click(chromedp.CSS("[data-testid=composer-send]")),
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
