package components

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRichContentIsInert: texts of notifications, interactive messages, choices and the editor (typed by
// agents, admins or customers) come out as text, never as markup.
func TestRichContentIsInert(t *testing.T) {
	rich := RichView{Kind: "list", Label: hostile, HeaderText: hostile, HeaderMedia: "image", HeaderFile: hostile, Body: hostile, Footer: hostile,
		Buttons: []RichButton{{ID: "1", Type: "url", Text: hostile, Target: hostile, Chosen: true}}, ListButton: hostile,
		Sections: []RichSection{{Title: hostile, Rows: []RichRow{{ID: "row-1", Title: hostile, Description: hostile, Chosen: true}}}}}
	editor := EditorView{InteractionID: 5, ResponseID: 9, Kind: "notification", KindLabel: hostile, Name: hostile, Template: hostile,
		Fields:   []EditorField{{Key: "body.1", Label: hostile, Value: hostile, Error: hostile}, {Key: "header.1", Label: hostile, Value: hostile, Multiline: true}},
		Header:   EditorHeaderView{Format: "image", Name: hostile, Changeable: true, Error: hostile},
		Problems: []string{hostile}, Error: hostile, Preview: rich}
	view := sampleWorkspace()
	view.Interactions[0].Transcript.Sessions[0].Messages = append(view.Interactions[0].Transcript.Sessions[0].Messages,
		MessageView{ID: 11, Side: "agent", Kind: "template", Rich: &rich},
		MessageView{ID: 12, Side: "customer", Kind: "button", Choice: &ChoiceView{Chosen: hostile, Original: &rich}})
	view.Interactions[0].Responses = ResponsesPanelView{InteractionID: 5, List: ResponsesListView{InteractionID: 5, Query: hostile,
		Categories: []ResponseCategoryView{{Name: hostile, Items: []ResponseItemView{{InteractionID: 5, ID: 1, Name: hostile, Kind: "text", Shortcut: "x",
			Snippet: hostile, Text: hostile, Attachments: []ResponseFileView{{ID: 2, Name: hostile, Size: "1 KB"}}}}}}},
		Shortcuts: []ResponseItemView{{InteractionID: 5, ID: 1, Shortcut: "x", Text: hostile, Attachments: []ResponseFileView{{ID: 2, Name: `"}]<script>`}}}}}
	for _, page := range []string{"workspace", "editor"} {
		var d = renderDoc(t, WorkspacePage(view))
		if page == "editor" {
			d = renderDoc(t, Editor(editor))
		}
		if n := d.Find("img[onerror], [hx-trigger=load], [hx-get='/admin'], script:not([src])").Length(); n != 0 {
			t.Errorf("%s: %d injected elements rendered", page, n)
		}
		if n := d.Find("[style]").Length(); n != 0 {
			t.Errorf("%s: %d inline styles", page, n)
		}
		if !strings.Contains(d.Text(), "<script>alert(2)</script>") {
			t.Errorf("%s: the hostile text is not shown as text", page)
		}
	}
	d := renderDoc(t, Editor(editor))
	if _, disabled := d.Find("[data-testid=editor-send]").Attr("disabled"); !disabled {
		t.Error("Send is enabled for an invalid draft")
	}
	if d.Find("[data-testid=editor-field-error][hx-swap-oob]").Length() != 0 {
		t.Error("the editor itself carries out-of-band swaps")
	}
	items := renderDoc(t, WorkspacePage(view)).Find("[data-insert-response]")
	var files []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(items.AttrOr("data-attachments", "")), &files); err != nil || len(files) != 1 || files[0].Name != hostile {
		t.Errorf("attachments data %q: %v", items.AttrOr("data-attachments", ""), err)
	}
}

// TestChosenOptionMarked: the option a customer chose is marked for the eye and for screen readers.
func TestChosenOptionMarked(t *testing.T) {
	rich := RichView{Kind: "buttons", Body: "Solved?", Buttons: []RichButton{{ID: "option-1", Type: "reply", Text: "Yes"}, {ID: "option-2", Type: "reply", Text: "No", Chosen: true}}}
	d := renderDoc(t, Choice(ChoiceView{Chosen: "No", Original: &rich}))
	chosen := d.Find(`[data-testid=rich-button][data-chosen=true]`)
	if chosen.Length() != 1 || !chosen.HasClass("chosen") || !strings.Contains(chosen.Text(), "(chosen)") || !strings.Contains(chosen.Text(), "No") {
		t.Errorf("chosen button %q", chosen.Text())
	}
	if d.Find("[data-testid=choice-text]").Text() != "No" {
		t.Error("choice text missing")
	}
}

// TestWindowStates: the header and pane say whether the response window is open.
func TestWindowStates(t *testing.T) {
	d := renderDoc(t, WindowLeft(WindowView{InteractionID: 3, Open: false, Left: "Reply window closed: notifications only"}))
	if w := d.Find("[data-testid=window-left]"); !w.HasClass("window-closed") || w.AttrOr("data-window-closes-at", "") != "0" {
		t.Errorf("closed window %v", w.Nodes)
	}
	view := sampleWorkspace()
	view.Interactions[0].Window = WindowView{InteractionID: 5, Open: true, ClosesAtMilli: 99, Left: "1 min left to reply"}
	pane := renderDoc(t, WorkspacePage(view)).Find("[data-testid=interaction-pane]")
	if pane.AttrOr("data-window", "") != "open" || pane.Find("[data-testid=composer-window-closed]").Length() != 1 {
		t.Error("the pane does not carry the window state with the composer's notice")
	}
}
