package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// Registration is the template as WhatsApp's template management endpoint takes it, with each
// parameter's example as the sample reviewers see.
func (t Template) Registration() whatsapp.TemplateDefinition {
	example := func(key string) string {
		if e := strings.TrimSpace(t.Parameters[key].Example); e != "" {
			return e
		}
		return "example"
	}
	d := whatsapp.TemplateDefinition{Name: t.Name, Language: t.Language, Category: t.Category}
	switch t.Header.Format {
	case HeaderText:
		header := whatsapp.TemplateDefinitionComponent{Type: whatsapp.DefinitionHeader, Format: whatsapp.HeaderFormatText, Text: t.Header.Text}
		if len(parameterNumbers(t.Header.Text)) > 0 {
			header.Example = &whatsapp.TemplateExample{HeaderText: []string{example(headerKey())}}
		}
		d.Components = append(d.Components, header)
	case HeaderImage, HeaderVideo, HeaderDocument:
		d.Components = append(d.Components, whatsapp.TemplateDefinitionComponent{Type: whatsapp.DefinitionHeader, Format: strings.ToUpper(t.Header.Format)})
	}
	body := whatsapp.TemplateDefinitionComponent{Type: whatsapp.DefinitionBody, Text: t.Body}
	var samples []string
	for _, p := range t.ParameterList() {
		if strings.HasPrefix(p.Key, "body.") {
			samples = append(samples, example(p.Key))
		}
	}
	if len(samples) > 0 {
		body.Example = &whatsapp.TemplateExample{BodyText: [][]string{samples}}
	}
	d.Components = append(d.Components, body)
	if t.Footer != "" {
		d.Components = append(d.Components, whatsapp.TemplateDefinitionComponent{Type: whatsapp.DefinitionFooter, Text: t.Footer})
	}
	if len(t.Buttons) > 0 {
		buttons := whatsapp.TemplateDefinitionComponent{Type: whatsapp.DefinitionButtons}
		for i, b := range t.Buttons {
			switch b.Type {
			case ButtonQuickReply:
				buttons.Buttons = append(buttons.Buttons, whatsapp.TemplateDefinitionButton{Type: whatsapp.DefinitionButtonQuickReply, Text: b.Text})
			case ButtonPhoneNumber:
				buttons.Buttons = append(buttons.Buttons, whatsapp.TemplateDefinitionButton{Type: whatsapp.DefinitionButtonPhoneNumber, Text: b.Text, PhoneNumber: b.PhoneNumber})
			case ButtonURL:
				button := whatsapp.TemplateDefinitionButton{Type: whatsapp.DefinitionButtonURL, Text: b.Text, URL: b.URL}
				if len(parameterNumbers(b.URL)) > 0 {
					button.Example = []string{strings.Replace(b.URL, "{{1}}", example(buttonKey(i+1)), 1)}
				}
				buttons.Buttons = append(buttons.Buttons, button)
			}
		}
		d.Components = append(d.Components, buttons)
	}
	return d
}

// NotRegistered explains why notifications are not registered with WhatsApp from Switchboard.
const NotRegistered = "Not registered: no WhatsApp Business Account id is configured (SWITCHBOARD_WA_BUSINESS_ACCOUNT_ID); create the template in WhatsApp Manager with the same name and language."

// Register submits a notification's template to WhatsApp (a new one is created, a known one edited) and
// records what WhatsApp answered. A refusal is recorded, not returned: the response stays usable here
// and the admin sees why WhatsApp did not take it.
func (s *Service) Register(ctx context.Context, responseID int64) (store.Response, error) {
	response, err := s.Store.ResponseByID(ctx, responseID)
	if err != nil {
		return store.Response{}, fmt.Errorf("notify: register %d: %w", responseID, err)
	}
	if response.Kind != KindNotification {
		return response, nil
	}
	definition, err := ParseDefinition(response.Kind, response.Definition)
	if err != nil {
		return store.Response{}, err
	}
	if s.Registry == nil || s.BusinessAccountID == "" {
		return s.recordStatus(ctx, response, "", "", NotRegistered, 0)
	}
	registration := definition.Template.Registration()
	asked := s.Now().UnixMilli()
	report, err := s.submit(ctx, response.WATemplateID, registration)
	var apiError *whatsapp.APIError
	if errors.As(err, &apiError) && response.WATemplateID == "" && apiError.Code == 100 && apiError.Subcode == templateExistsSubcode {
		// Registered earlier (by another Switchboard or in WhatsApp Manager): find it and edit it instead.
		if id, findErr := s.findTemplate(ctx, registration.Name, registration.Language); findErr == nil && id != "" {
			report, err = s.submit(ctx, id, registration)
		}
	}
	if err != nil {
		if errors.As(err, &apiError) {
			return s.recordStatus(ctx, response, "", "", "WhatsApp refused the template: "+apiError.Title+describeDetail(apiError), 0)
		}
		s.Log.Warn("notify: register template", "response", responseID, "err", err)
		return s.recordStatus(ctx, response, "", "", "Could not reach WhatsApp to register the template; it is tried again at the next start.", 0)
	}
	if report.Status == "" {
		// An edit is answered {"success":true} alone: the status stays what WhatsApp said last until its
		// template status webhook says what the review of the edit decided.
		return s.recordSubmitted(ctx, response, report.ID)
	}
	return s.recordStatus(ctx, response, report.ID, report.Status, "", asked)
}

// recordSubmitted records that WhatsApp took a template without saying its status. The recorded status
// is not written back, so a status webhook that arrived meanwhile stands.
func (s *Service) recordSubmitted(ctx context.Context, response store.Response, templateID string) (store.Response, error) {
	if err := s.Store.SetTemplateSubmitted(ctx, response.ID, templateID); err != nil {
		return store.Response{}, fmt.Errorf("notify: register %d: %w", response.ID, err)
	}
	updated, err := s.Store.ResponseByID(ctx, response.ID)
	if err != nil {
		return store.Response{}, fmt.Errorf("notify: register %d: %w", response.ID, err)
	}
	return updated, nil
}

// templateExistsSubcode is Meta's error subcode for creating a template whose name and language exist.
const templateExistsSubcode = 2388024

func describeDetail(e *whatsapp.APIError) string {
	detail := e.Details
	if detail == "" && e.Message != e.Title {
		detail = e.Message
	}
	if detail == "" {
		return "."
	}
	return " (" + detail + ")."
}

func (s *Service) submit(ctx context.Context, templateID string, registration whatsapp.TemplateDefinition) (whatsapp.TemplateStatusReport, error) {
	if templateID != "" {
		return s.Registry.EditTemplate(ctx, templateID, registration)
	}
	return s.Registry.CreateTemplate(ctx, s.BusinessAccountID, registration)
}

func (s *Service) findTemplate(ctx context.Context, name, language string) (string, error) {
	remote, err := s.Registry.ListTemplates(ctx, s.BusinessAccountID)
	if err != nil {
		return "", err
	}
	for _, t := range remote {
		if t.Name == name && t.Language == language {
			return t.ID, nil
		}
	}
	return "", nil
}

// recordStatus records a template's status as of asOf (see store.SetTemplateStatus): when a status webhook
// brought newer news meanwhile, that stands and the notification is returned as it now is.
func (s *Service) recordStatus(ctx context.Context, response store.Response, templateID, status, detail string, asOf int64) (store.Response, error) {
	applied, err := s.Store.SetTemplateStatus(ctx, response.ID, templateID, status, detail, asOf)
	if err != nil {
		return store.Response{}, fmt.Errorf("notify: register %d: %w", response.ID, err)
	}
	if !applied {
		current, err := s.Store.ResponseByID(ctx, response.ID)
		if err != nil {
			return store.Response{}, fmt.Errorf("notify: register %d: %w", response.ID, err)
		}
		return current, nil
	}
	if templateID != "" {
		response.WATemplateID = templateID
	}
	response.WAStatus, response.WADetail = status, detail
	return response, nil
}

// SyncTemplates brings every notification's WhatsApp status up to date: templates WhatsApp has are
// recorded with their review status, the others are registered. It runs at start, so a simulator that
// forgot its templates, or a template deleted in WhatsApp Manager, is noticed.
func (s *Service) SyncTemplates(ctx context.Context) error {
	notifications, err := s.Store.ListResponses(ctx, false, KindNotification, "")
	if err != nil {
		return fmt.Errorf("notify: sync templates: %w", err)
	}
	if s.Registry == nil || s.BusinessAccountID == "" {
		for _, n := range notifications {
			if _, err := s.recordStatus(ctx, n, "", "", NotRegistered, 0); err != nil {
				return err
			}
		}
		return nil
	}
	asked := s.Now().UnixMilli()
	remote, err := s.Registry.ListTemplates(ctx, s.BusinessAccountID)
	if err != nil {
		return fmt.Errorf("notify: sync templates: %w", err)
	}
	known := map[string]whatsapp.TemplateDefinition{}
	for _, t := range remote {
		known[t.Name+"\x00"+t.Language] = t
	}
	for _, n := range notifications {
		if t, ok := known[n.TemplateName+"\x00"+n.TemplateLanguage]; ok {
			if _, err := s.recordStatus(ctx, n, t.ID, t.Status, "", asked); err != nil {
				return err
			}
			continue
		}
		if _, err := s.registerFresh(ctx, n.ID); err != nil {
			return err
		}
	}
	return nil
}

// registerFresh registers a notification WhatsApp does not know, forgetting any id it had before.
func (s *Service) registerFresh(ctx context.Context, responseID int64) (store.Response, error) {
	if err := s.Store.ClearTemplateID(ctx, responseID); err != nil {
		return store.Response{}, fmt.Errorf("notify: register %d: %w", responseID, err)
	}
	return s.Register(ctx, responseID)
}
