package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"switchboard/internal/interaction"
	"switchboard/store"
)

// ResponseInput is a response as an admin submits it.
type ResponseInput struct {
	ID         int64 // 0 creates a response
	CategoryID int64
	Name       string
	Kind       string
	Shortcut   string
	Body       string // text responses
	Definition Definition
	Active     bool
}

// MaxResponseName bounds a response's name.
const MaxResponseName = 100

// SaveResponse validates and stores a response; a notification is then registered with WhatsApp. The
// problems name the form fields that are wrong, and nothing is stored while there are any.
func (s *Service) SaveResponse(ctx context.Context, in ResponseInput) (int64, Problems, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Shortcut = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(in.Shortcut), "/")))
	problems := Problems{}
	if in.Name == "" || chars(in.Name) > MaxResponseName {
		problems.add("name", "A name is 1 to %d characters.", MaxResponseName)
	}
	if problem := ValidateShortcut(in.Shortcut); problem != "" {
		problems.add("shortcut", "%s", problem)
	}
	categories, err := s.Store.ResponseCategories(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("notify: save response: %w", err)
	}
	found := false
	for _, c := range categories {
		found = found || c.ID == in.CategoryID
	}
	if !found {
		problems.add("category", "Choose a category.")
	}
	existing, err := s.Store.ListResponses(ctx, false, "", "")
	if err != nil {
		return 0, nil, fmt.Errorf("notify: save response: %w", err)
	}
	var stored *store.Response
	for i := range existing {
		r := existing[i]
		if r.ID == in.ID {
			stored = &existing[i]
			continue
		}
		if in.Shortcut != "" && strings.EqualFold(r.Shortcut, in.Shortcut) {
			problems.add("shortcut", "The shortcut /%s already inserts “%s”.", in.Shortcut, r.Name)
		}
		if in.Kind == KindNotification && in.Definition.Template != nil && r.Kind == KindNotification &&
			r.TemplateName == in.Definition.Template.Name && r.TemplateLanguage == in.Definition.Template.Language {
			problems.add("template_name", "“%s” is already the template %s in %s.", r.Name, r.TemplateName, r.TemplateLanguage)
		}
	}
	if in.ID != 0 {
		if stored == nil {
			return 0, nil, interaction.ErrNotFound
		}
		in.Kind = stored.Kind
	}
	record := store.Response{ID: in.ID, CategoryID: in.CategoryID, Name: in.Name, Kind: in.Kind, Shortcut: in.Shortcut, Active: in.Active}
	switch in.Kind {
	case KindText:
		record.Body = strings.TrimRight(strings.ReplaceAll(in.Body, "\r\n", "\n"), " \n\t")
		switch {
		case strings.TrimSpace(record.Body) == "":
			problems.add("body", "Write the response's text.")
		case chars(record.Body) > 4096:
			problems.add("body", "The text is %d characters; WhatsApp takes at most 4096.", chars(record.Body))
		}
		unknownFields(problems, "body", record.Body)
	case KindNotification, KindButtons, KindList:
		definitionProblems, texts := s.checkDefinition(in.Kind, in.Definition)
		for field, message := range definitionProblems {
			problems.add(field, "%s", message)
		}
		for field, text := range texts {
			unknownFields(problems, field, text)
		}
		record.Definition = in.Definition.Encode()
		if t := in.Definition.Template; t != nil {
			record.TemplateName, record.TemplateLanguage = t.Name, t.Language
		}
	default:
		problems.add("kind", "Choose text, notification, reply buttons or list.")
	}
	if len(problems) > 0 {
		return 0, problems, nil
	}
	now := s.Now().UnixMilli()
	id := in.ID
	if id == 0 {
		id, err = s.Store.CreateResponse(ctx, record, now)
	} else {
		err = s.Store.UpdateResponse(ctx, record, now)
	}
	if errors.Is(err, store.ErrConflict) {
		problems.add("name", "Another response took this shortcut or template name meanwhile; save again.")
		return 0, problems, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("notify: save response: %w", err)
	}
	if in.Kind == KindNotification {
		if _, err := s.Register(ctx, id); err != nil {
			return id, nil, err
		}
	}
	return id, nil, nil
}

// checkDefinition validates a structured definition and returns its texts by form field, for the field
// check. Templates take no {field} tokens: their texts are fixed by WhatsApp's review.
func (s *Service) checkDefinition(kind string, d Definition) (Problems, map[string]string) {
	texts := map[string]string{}
	switch {
	case kind == KindNotification && d.Template != nil:
		return d.Template.Validate(), texts
	case kind == KindButtons && d.Buttons != nil:
		texts["header_text"], texts["body"], texts["footer"] = d.Buttons.Header.Text, d.Buttons.Body, d.Buttons.Footer
		for i, b := range d.Buttons.Buttons {
			texts[fmt.Sprintf("button%d_text", i+1)] = b
		}
		return d.Buttons.Validate(), texts
	case kind == KindList && d.List != nil:
		texts["header_text"], texts["body"], texts["footer"], texts["list_button"] = d.List.Header, d.List.Body, d.List.Footer, d.List.Button
		return d.List.Validate(), texts
	}
	return Problems{"kind": "The message's structure is missing."}, texts
}

func unknownFields(p Problems, field, text string) {
	if unknown := UnknownFields(text); len(unknown) > 0 {
		p.add(field, "Unknown field %s; the fields are %s.", strings.Join(unknown, ", "), fieldNames())
	}
}

func fieldNames() string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = "{" + f.Name + "}"
	}
	return strings.Join(names, ", ")
}

// SetHeaderFile stores a file as a structured response's default media header; the file must suit the
// header's format.
func (s *Service) SetHeaderFile(ctx context.Context, responseID int64, filename string, content io.Reader) (store.Response, error) {
	response, err := s.Store.ResponseByID(ctx, responseID)
	if err != nil {
		return store.Response{}, err
	}
	definition, err := ParseDefinition(response.Kind, response.Definition)
	if err != nil {
		return store.Response{}, err
	}
	var header *Header
	switch {
	case definition.Template != nil:
		header = &definition.Template.Header
	case definition.Buttons != nil:
		header = &definition.Buttons.Header
	}
	if header == nil || !MediaHeader(header.Format) {
		return store.Response{}, &interaction.InputError{Field: "header_file", Message: "Choose an image, video or document header and save before uploading its file."}
	}
	_, err = s.saveFile(ctx, "header_file", filename, content, header.Format, 0, func(file store.OutboundFile) (store.OutboundFile, error) {
		err := s.Store.WithTx(ctx, func(tx *store.Tx) error {
			var err error
			if file, err = tx.SaveOutboundFile(ctx, file); err != nil {
				return err
			}
			header.FileID = file.ID
			response.Definition = definition.Encode()
			return tx.UpdateResponse(ctx, response, file.CreatedAt)
		})
		return file, err
	})
	if err != nil {
		return store.Response{}, fmt.Errorf("notify: header file of response %d: %w", responseID, err)
	}
	return response, nil
}

// AddAttachment stores a file as one more attachment of a text response.
func (s *Service) AddAttachment(ctx context.Context, responseID int64, filename string, content io.Reader) (store.OutboundFile, error) {
	response, err := s.Store.ResponseByID(ctx, responseID)
	if err != nil {
		return store.OutboundFile{}, err
	}
	if response.Kind != KindText {
		return store.OutboundFile{}, &interaction.InputError{Field: "attachment", Message: "Only text responses have attachments."}
	}
	file, err := s.saveFile(ctx, "attachment", filename, content, "", 0, func(file store.OutboundFile) (store.OutboundFile, error) {
		return s.Store.SaveResponseFile(ctx, responseID, file)
	})
	if err != nil {
		return store.OutboundFile{}, fmt.Errorf("notify: attach to response %d: %w", responseID, err)
	}
	return file, nil
}
