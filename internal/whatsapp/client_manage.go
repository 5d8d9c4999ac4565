package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// The requests in this file manage what messages refer to (templates and uploaded media). Unlike a send,
// repeating one of them cannot reach the customer twice: an answer from Meta is an *APIError, no answer a
// *TransportError that is always safe to retry (IsTransient says so).

// CreateTemplate submits a template for review to the WhatsApp Business Account wabaID.
func (c *Client) CreateTemplate(ctx context.Context, wabaID string, definition TemplateDefinition) (TemplateStatusReport, error) {
	definition.ID, definition.Status = "", ""
	body, err := encodeJSON(definition)
	if err != nil {
		return TemplateStatusReport{}, fmt.Errorf("whatsapp: create template %s: %w", definition.Name, err)
	}
	var report TemplateStatusReport
	if err := c.call(ctx, http.MethodPost, []string{wabaID, "message_templates"}, nil, "application/json", bytes.NewReader(body), &report); err != nil {
		return TemplateStatusReport{}, fmt.Errorf("whatsapp: create template %s: %w", definition.Name, err)
	}
	return report, nil
}

// EditTemplate replaces the category and components of the registered template templateID; WhatsApp
// reviews it again.
func (c *Client) EditTemplate(ctx context.Context, templateID string, definition TemplateDefinition) (TemplateStatusReport, error) {
	edit := struct {
		Category   string                        `json:"category,omitempty"`
		Components []TemplateDefinitionComponent `json:"components"`
	}{definition.Category, definition.Components}
	body, err := encodeJSON(edit)
	if err != nil {
		return TemplateStatusReport{}, fmt.Errorf("whatsapp: edit template %s: %w", templateID, err)
	}
	var report TemplateStatusReport
	if err := c.call(ctx, http.MethodPost, []string{templateID}, nil, "application/json", bytes.NewReader(body), &report); err != nil {
		return TemplateStatusReport{}, fmt.Errorf("whatsapp: edit template %s: %w", templateID, err)
	}
	if report.ID == "" {
		report.ID = templateID
	}
	return report, nil
}

// maxTemplatePages bounds how many pages of templates ListTemplates follows (250 templates each).
const maxTemplatePages = 40

// ListTemplates returns every template of the WhatsApp Business Account wabaID, following the pages.
func (c *Client) ListTemplates(ctx context.Context, wabaID string) ([]TemplateDefinition, error) {
	var all []TemplateDefinition
	query := url.Values{"limit": {"250"}}
	for page := 0; page < maxTemplatePages; page++ {
		var answer struct {
			Data   []TemplateDefinition `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.call(ctx, http.MethodGet, []string{wabaID, "message_templates"}, query, "", nil, &answer); err != nil {
			return nil, fmt.Errorf("whatsapp: list templates: %w", err)
		}
		all = append(all, answer.Data...)
		if answer.Paging.Next == "" || answer.Paging.Cursors.After == "" {
			return all, nil
		}
		query.Set("after", answer.Paging.Cursors.After)
	}
	return all, nil
}

// call makes one Graph API request under the configured version and decodes a 2xx JSON answer into out.
func (c *Client) call(ctx context.Context, method string, path []string, query url.Values, contentType string, body io.Reader, out any) error {
	endpoint, err := c.endpoint(path...)
	if err != nil {
		return err
	}
	if len(query) > 0 {
		endpoint += "?" + query.Encode()
	}
	request, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		request.Header.Set("Content-Type", contentType)
	}
	request.Header.Set("Accept", "application/json")
	c.authorize(request)
	response, err := c.httpClient().Do(request)
	if err != nil {
		// Nothing these requests do reaches a customer, so trying again is always safe.
		return &TransportError{Err: err, MaybeDelivered: false}
	}
	defer response.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(response.Body, maxResponseBytes))
	if response.StatusCode < 200 || response.StatusCode > 299 {
		return parseAPIError(response.StatusCode, answer)
	}
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}
