package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"switchboard/components"
)

// This file shows templates and interactive messages on the phone the way WhatsApp does (the template's
// registered wording with the parameters filled in, buttons under the bubble, lists behind their button)
// and turns the customer's taps into the webhooks Meta sends for them.

// templateText is the text of one component ("HEADER" or "BODY") of a registered template with the
// request's parameters put in for its {{n}} variables.
func templateText(registered *templateDefinition, request *sendTemplate, kind string) string {
	component := registered.component(kind)
	if component == nil {
		return ""
	}
	var values []string
	for _, c := range request.Components {
		if strings.EqualFold(c.Type, kind) {
			for _, p := range c.Parameters {
				values = append(values, templateParameterText(p))
			}
		}
	}
	return templateVariablePattern.ReplaceAllStringFunc(component.Text, func(token string) string {
		n, _ := strconv.Atoi(token[2 : len(token)-2])
		if n >= 1 && n <= len(values) {
			return values[n-1]
		}
		return token
	})
}

// buttonParameter is the parameter the request gives the template button at index.
func buttonParameter(request *sendTemplate, index int) (sendTemplateParam, bool) {
	for _, c := range request.Components {
		if c.Type != "button" {
			continue
		}
		var at string
		if err := json.Unmarshal(c.Index, &at); err != nil {
			var number int
			if json.Unmarshal(c.Index, &number) != nil {
				continue
			}
			at = strconv.Itoa(number)
		}
		if at == strconv.Itoa(index) && len(c.Parameters) > 0 {
			return c.Parameters[0], true
		}
	}
	return sendTemplateParam{}, false
}

// templateRich shows a template message as the customer sees it, in its registered wording with the
// message's parameters; nil when the template is unknown.
func templateRich(m message, request *sendTemplate) *components.RichView {
	if request == nil || m.Template == nil {
		return nil
	}
	registered := m.Template
	rich := &components.RichView{Kind: "notification", Body: templateText(registered, request, "BODY")}
	if header := registered.component("HEADER"); header != nil {
		if strings.EqualFold(header.Format, "TEXT") {
			rich.HeaderText = templateText(registered, request, "HEADER")
		} else {
			rich.HeaderMedia, rich.HeaderFile = strings.ToLower(header.Format), m.MediaName
		}
	}
	if footer := registered.component("FOOTER"); footer != nil {
		rich.Footer = footer.Text
	}
	if buttons := registered.component("BUTTONS"); buttons != nil {
		for i, b := range buttons.Buttons {
			button := components.RichButton{ID: strconv.Itoa(i), Type: strings.ToLower(b.Type), Text: b.Text}
			switch button.Type {
			case "url":
				suffix := ""
				if parameter, ok := buttonParameter(request, i); ok {
					suffix = parameter.Text
				}
				button.Target = strings.Replace(b.URL, "{{1}}", suffix, 1)
			case "phone_number":
				button.Target = "tel:" + b.PhoneNumber
			}
			rich.Buttons = append(rich.Buttons, button)
		}
	}
	return rich
}

// interactiveRich shows a reply-button, list or call-to-action message: header, body, footer and the
// buttons or list rows.
func interactiveRich(m message, interactive *sendInteractive) *components.RichView {
	if interactive == nil {
		return nil
	}
	rich := &components.RichView{Kind: "buttons"}
	if interactive.Type == "list" {
		rich.Kind = "list"
	}
	if header := interactive.Header; header != nil {
		if header.Type == "text" {
			rich.HeaderText = header.Text
		} else {
			rich.HeaderMedia, rich.HeaderFile = header.Type, m.MediaName
		}
	}
	if interactive.Body != nil {
		rich.Body = interactive.Body.Text
	}
	if interactive.Footer != nil {
		rich.Footer = interactive.Footer.Text
	}
	if interactive.Action == nil {
		return rich
	}
	for _, button := range interactive.Action.Buttons {
		if button.Reply != nil {
			rich.Buttons = append(rich.Buttons, components.RichButton{ID: button.Reply.ID, Type: "reply", Text: button.Reply.Title})
		}
	}
	if interactive.Type == "list" {
		rich.ListButton = interactive.Action.Button
		for _, section := range interactive.Action.Sections {
			rows := components.RichSection{Title: section.Title}
			for _, row := range section.Rows {
				rows.Rows = append(rows.Rows, components.RichRow{ID: row.ID, Title: row.Title, Description: row.Description})
			}
			rich.Sections = append(rich.Sections, rows)
		}
	}
	if interactive.Type == "cta_url" {
		var parameters struct {
			DisplayText string `json:"display_text"`
			URL         string `json:"url"`
		}
		_ = json.Unmarshal(interactive.Action.Parameters, &parameters)
		if parameters.DisplayText != "" {
			rich.Buttons = append(rich.Buttons, components.RichButton{Type: "url", Text: parameters.DisplayText, Target: parameters.URL})
		}
	}
	return rich
}

// mediaNameLocked names the file a business message's media (or media header) refers to: its file name,
// else the uploaded file's, else the last part of its link. The caller must hold s.mu.
func (s *Simulator) mediaNameLocked(request *sendRequest) string {
	var media *sendMedia
	switch request.Type {
	case "template":
		if request.Template != nil {
			for _, c := range request.Template.Components {
				for _, p := range c.Parameters {
					media = firstMedia(media, p.Image, p.Video, p.Document)
				}
			}
		}
	case "interactive":
		if request.Interactive != nil && request.Interactive.Header != nil {
			h := request.Interactive.Header
			media = firstMedia(nil, h.Image, h.Video, h.Document)
		}
	default:
		media = mediaOf(request)
	}
	if media == nil {
		return ""
	}
	name := media.Filename
	if stored, ok := s.state.media[media.ID]; name == "" && ok {
		name = stored.FileName
	}
	if name == "" && media.Link != "" {
		name = media.Link[strings.LastIndex(media.Link, "/")+1:]
	}
	return name
}

func firstMedia(found *sendMedia, candidates ...*sendMedia) *sendMedia {
	for _, candidate := range candidates {
		if found == nil && candidate != nil {
			found = candidate
		}
	}
	return found
}

var errNotAChoice = errors.New("that is not an option of this message")

// choiceInput is the customer's answer to the business message original when they tap option: a
// "button" message for a template's quick reply (payload as the business set it, else the button's
// text), an "interactive" button_reply or list_reply otherwise.
func choiceInput(original message, option string) (customerMessageInput, error) {
	var request sendRequest
	if err := json.Unmarshal(original.Payload, &request); err != nil {
		return customerMessageInput{}, errNotAChoice
	}
	input := customerMessageInput{WAID: original.WAID, PhoneNumberID: original.PhoneNumberID, ReplyTo: original.WAMID}
	var payload any
	switch {
	case request.Type == "template" && original.Template != nil && request.Template != nil:
		buttons := original.Template.component("BUTTONS")
		index, err := strconv.Atoi(option)
		if buttons == nil || err != nil || index < 0 || index >= len(buttons.Buttons) || !strings.EqualFold(buttons.Buttons[index].Type, "QUICK_REPLY") {
			return customerMessageInput{}, errNotAChoice
		}
		text := buttons.Buttons[index].Text
		reply := text
		if parameter, ok := buttonParameter(request.Template, index); ok && parameter.Payload != "" {
			reply = parameter.Payload
		}
		input.Kind = "button"
		payload = map[string]string{"payload": reply, "text": text}
	case request.Type == "interactive" && request.Interactive != nil && request.Interactive.Action != nil:
		action := request.Interactive.Action
		for _, button := range action.Buttons {
			if button.Reply != nil && button.Reply.ID == option {
				input.Kind = "interactive"
				payload = map[string]any{"type": "button_reply", "button_reply": map[string]string{"id": button.Reply.ID, "title": button.Reply.Title}}
			}
		}
		for _, section := range action.Sections {
			for _, row := range section.Rows {
				if row.ID == option && request.Interactive.Type == "list" {
					reply := map[string]string{"id": row.ID, "title": row.Title}
					if row.Description != "" {
						reply["description"] = row.Description
					}
					input.Kind = "interactive"
					payload = map[string]any{"type": "list_reply", "list_reply": reply}
				}
			}
		}
	}
	if payload == nil {
		return customerMessageInput{}, errNotAChoice
	}
	encoded, err := json.Marshal(payload)
	if err != nil {
		return customerMessageInput{}, fmt.Errorf("simulator: encode choice: %w", err)
	}
	input.Payload = encoded
	return input, nil
}

// phoneChoiceCreate is POST /phone/:wa_id/choices: the customer taps a quick reply or reply button, or
// picks a list row, of the business message wamid. htmx gets the customer's new bubble.
func (s *Simulator) phoneChoiceCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	s.mu.Lock()
	original, ok := s.state.byWAMID[c.FormValue("wamid")]
	var copied message
	if ok {
		copied = *original
	}
	s.mu.Unlock()
	if !ok || copied.WAID != waID || copied.Direction != directionToCustomer || !copied.visibleOnPhone() {
		return c.String(http.StatusUnprocessableEntity, "That message is not in this chat.")
	}
	input, err := choiceInput(copied, c.FormValue("option"))
	if errors.Is(err, errNotAChoice) {
		return c.String(http.StatusUnprocessableEntity, "That is not an option of this message.")
	}
	if err != nil {
		return err
	}
	return s.sendFromPhone(c, input)
}
