package simulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// BusinessAccountID is the id of the simulated WhatsApp Business Account: templates are registered
// under it (POST /{version}/{BusinessAccountID}/message_templates).
const BusinessAccountID = accountID

// templateDefinition is a message template as WhatsApp Manager keeps it: the body of a create request
// and one element of the list endpoint's data.
type templateDefinition struct {
	ID         string                        `json:"id,omitempty"`
	Name       string                        `json:"name"`
	Language   string                        `json:"language"`
	Category   string                        `json:"category"`
	Status     string                        `json:"status,omitempty"`
	Components []templateDefinitionComponent `json:"components"`
}

type templateDefinitionComponent struct {
	Type    string                     `json:"type"`
	Format  string                     `json:"format,omitempty"`
	Text    string                     `json:"text,omitempty"`
	Example json.RawMessage            `json:"example,omitempty"`
	Buttons []templateDefinitionButton `json:"buttons,omitempty"`
}

type templateDefinitionButton struct {
	Type        string          `json:"type"`
	Text        string          `json:"text"`
	PhoneNumber string          `json:"phone_number,omitempty"`
	URL         string          `json:"url,omitempty"`
	Example     json.RawMessage `json:"example,omitempty"`
}

// Limits of the template management API.
const (
	maxTemplateHeaderText = 60
	maxTemplateBody       = 1024
	maxTemplateFooter     = 60
	maxTemplateButtons    = 10
	maxTemplateButtonText = 25
	maxTemplateURL        = 2000
	maxTemplatePhone      = 20
)

var (
	templateNamePattern     = regexp.MustCompile(`^[a-z0-9_]+$`)
	templateLanguagePattern = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	templateVariablePattern = regexp.MustCompile(`\{\{([0-9]+)\}\}`)
)

// helloWorld is the sample template every new WhatsApp Business Account has.
func helloWorld() templateDefinition {
	return templateDefinition{
		ID: "1192339204654487", Name: "hello_world", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
		Components: []templateDefinitionComponent{
			{Type: "HEADER", Format: "TEXT", Text: "Hello World"},
			{Type: "BODY", Text: "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us."},
			{Type: "FOOTER", Text: "WhatsApp Business Platform sample message"},
		},
	}
}

func templateKey(name, language string) string { return name + "\x00" + language }

// component returns the template's component of a type ("HEADER", "BODY", ...), if any.
func (t *templateDefinition) component(kind string) *templateDefinitionComponent {
	for i := range t.Components {
		if strings.EqualFold(t.Components[i].Type, kind) {
			return &t.Components[i]
		}
	}
	return nil
}

// variables counts the distinct {{n}} variables of a text.
func variables(text string) int {
	seen := map[string]bool{}
	for _, match := range templateVariablePattern.FindAllStringSubmatch(text, -1) {
		seen[match[1]] = true
	}
	return len(seen)
}

// validateTemplateDefinition applies the management API's rules, returning the first problem.
func validateTemplateDefinition(t templateDefinition, editing bool) *apiError {
	if !editing {
		switch {
		case t.Name == "":
			return requiredParameter("name")
		case length(t.Name) > maxTemplateName || !templateNamePattern.MatchString(t.Name):
			return invalidParameter("Param name must contain only lowercase characters, numbers and underscores")
		case t.Language == "":
			return requiredParameter("language")
		case !templateLanguagePattern.MatchString(t.Language):
			return invalidParameter("Param language is not a supported language code, got %q", t.Language)
		}
	}
	switch t.Category {
	case "UTILITY", "MARKETING", "AUTHENTICATION":
	case "":
		if !editing {
			return requiredParameter("category")
		}
	default:
		return invalidParameter("Param category must be one of {UTILITY, MARKETING, AUTHENTICATION} - got %q.", t.Category)
	}
	bodies := 0
	for i, component := range t.Components {
		switch strings.ToUpper(component.Type) {
		case "HEADER":
			switch strings.ToUpper(component.Format) {
			case "TEXT":
				if component.Text == "" || length(component.Text) > maxTemplateHeaderText {
					return invalidParameter("Header text must be 1 to %d characters", maxTemplateHeaderText)
				}
				if variables(component.Text) > 1 {
					return invalidParameter("Header text can have at most one variable")
				}
			case "IMAGE", "VIDEO", "DOCUMENT", "LOCATION":
			default:
				return invalidParameter("Param components[%d]['format'] must be one of {TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION}", i)
			}
		case "BODY":
			bodies++
			if component.Text == "" || length(component.Text) > maxTemplateBody {
				return invalidParameter("Body text must be 1 to %d characters", maxTemplateBody)
			}
		case "FOOTER":
			if component.Text == "" || length(component.Text) > maxTemplateFooter {
				return invalidParameter("Footer text must be 1 to %d characters", maxTemplateFooter)
			}
		case "BUTTONS":
			if problem := validateTemplateButtons(component.Buttons); problem != nil {
				return problem
			}
		default:
			return invalidParameter("Param components[%d]['type'] must be one of {HEADER, BODY, FOOTER, BUTTONS} - got %q.", i, component.Type)
		}
	}
	if bodies != 1 {
		return invalidParameter("A template needs exactly one BODY component")
	}
	return nil
}

func validateTemplateButtons(buttons []templateDefinitionButton) *apiError {
	if len(buttons) == 0 || len(buttons) > maxTemplateButtons {
		return invalidParameter("A template has 1 to %d buttons", maxTemplateButtons)
	}
	for i, button := range buttons {
		if button.Text == "" || length(button.Text) > maxTemplateButtonText {
			return invalidParameter("Button text must be 1 to %d characters", maxTemplateButtonText)
		}
		switch strings.ToUpper(button.Type) {
		case "QUICK_REPLY":
		case "PHONE_NUMBER":
			if button.PhoneNumber == "" || length(button.PhoneNumber) > maxTemplatePhone {
				return requiredParameter(fmt.Sprintf("buttons[%d]['phone_number']", i))
			}
		case "URL":
			if !strings.HasPrefix(button.URL, "https://") && !strings.HasPrefix(button.URL, "http://") || length(button.URL) > maxTemplateURL {
				return invalidParameter("Param buttons[%d]['url'] must be a valid URL", i)
			}
			if n := variables(button.URL); n > 1 || n == 1 && !strings.HasSuffix(button.URL, "{{1}}") {
				return invalidParameter("A URL button can have one variable, {{1}}, at the end")
			}
		default:
			return invalidParameter("Param buttons[%d]['type'] must be one of {QUICK_REPLY, PHONE_NUMBER, URL} - got %q.", i, button.Type)
		}
	}
	return nil
}

// templateExists is Meta's refusal to create a template whose name and language are taken.
func templateExists(name, language string) *apiError {
	problem := whatsappError(http.StatusBadRequest, 100, "Invalid parameter",
		fmt.Sprintf("There is already %s content for this template (%s). You can create a new template and try again.", language, name))
	problem.graph.ErrorSubcode = 2388024
	return problem
}

func (s *Simulator) checkBusinessAccount(c echo.Context) *apiError {
	if !versionPattern.MatchString(c.Param("version")) {
		return invalidParameter("Unknown API version %q", c.Param("version"))
	}
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return problem
	}
	if c.Param("waba_id") != BusinessAccountID {
		return unsupportedPostRequest(c.Param("waba_id"))
	}
	return nil
}

// cloudTemplateCreate is POST /{version}/{waba_id}/message_templates. The simulated reviewer approves
// every template that follows the rules at once: the answer says APPROVED, and the template status
// webhook Meta sends after a review follows.
func (s *Simulator) cloudTemplateCreate(c echo.Context) error {
	if problem := s.checkBusinessAccount(c); problem != nil {
		return writeGraphError(c, problem)
	}
	var definition templateDefinition
	if problem := decodeJSONBody(c, &definition); problem != nil {
		return writeGraphError(c, problem)
	}
	if problem := validateTemplateDefinition(definition, false); problem != nil {
		return writeGraphError(c, problem)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := templateKey(definition.Name, definition.Language)
	if _, taken := s.state.templates[key]; taken {
		return writeGraphError(c, templateExists(definition.Name, definition.Language))
	}
	s.state.nextTemplateID++
	definition.ID = strconv.FormatInt(s.state.nextTemplateID, 10)
	definition.Status = "APPROVED"
	stored := definition
	s.state.templates[key] = &stored
	s.queueTemplateStatusLocked(&stored, stored.Status, "", nil)
	return c.JSON(http.StatusOK, map[string]string{"id": definition.ID, "status": definition.Status, "category": definition.Category})
}

// cloudTemplateEdit is POST /{version}/{template_id}: new components (and category) for a template. Meta
// answers only {"success":true}; the review of the edit (here: approved at once) comes by webhook.
func (s *Simulator) cloudTemplateEdit(c echo.Context) error {
	if !versionPattern.MatchString(c.Param("version")) {
		return writeGraphError(c, invalidParameter("Unknown API version %q", c.Param("version")))
	}
	if problem := s.checkAccessToken(c.Request()); problem != nil {
		return writeGraphError(c, problem)
	}
	var edit templateDefinition
	if problem := decodeJSONBody(c, &edit); problem != nil {
		return writeGraphError(c, problem)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var target *templateDefinition
	for _, t := range s.state.templates {
		if t.ID == c.Param("template_id") {
			target = t
		}
	}
	if target == nil {
		return writeGraphError(c, unsupportedPostRequest(c.Param("template_id")))
	}
	edited := *target
	edited.Components = edit.Components
	if edit.Category != "" {
		edited.Category = edit.Category
	}
	if problem := validateTemplateDefinition(edited, true); problem != nil {
		return writeGraphError(c, problem)
	}
	edited.Status = "APPROVED"
	*target = edited
	s.queueTemplateStatusLocked(target, target.Status, "", nil)
	return c.JSON(http.StatusOK, map[string]bool{"success": true})
}

// cloudTemplateList is GET /{version}/{waba_id}/message_templates, optionally filtered by name, one page.
func (s *Simulator) cloudTemplateList(c echo.Context) error {
	if problem := s.checkBusinessAccount(c); problem != nil {
		return writeGraphError(c, problem)
	}
	s.mu.Lock()
	list := make([]templateDefinition, 0, len(s.state.templates))
	for _, t := range s.state.templates {
		if name := c.QueryParam("name"); name == "" || t.Name == name {
			list = append(list, *t)
		}
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return c.JSON(http.StatusOK, map[string]any{"data": list, "paging": map[string]any{"cursors": map[string]string{"before": "MAZDZD", "after": "MjQZD"}}})
}

// decodeJSONBody reads a bounded JSON object body.
func decodeJSONBody(c echo.Context, target any) *apiError {
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, maxSendBody+1))
	if err != nil || len(raw) > maxSendBody {
		return invalidParameter("Request body must be at most %d bytes", maxSendBody)
	}
	if err := json.Unmarshal(raw, target); err != nil {
		return invalidParameter("Request body must be a JSON object: %v", err)
	}
	return nil
}

// checkTemplateSend refuses a template message that WhatsApp would: an unknown template or language, one
// not approved (paused, disabled, rejected, waiting for review), or parameters that do not match the
// template's variables. The caller must hold s.mu.
func (s *Simulator) checkTemplateSendLocked(template *sendTemplate) (*templateDefinition, *apiError) {
	registered, ok := s.state.templates[templateKey(template.Name, template.Language.Code)]
	if !ok {
		return nil, whatsappError(http.StatusNotFound, 132001, "Template name does not exist in the translation",
			fmt.Sprintf("template name (%s) does not exist in %s", template.Name, template.Language.Code))
	}
	switch registered.Status {
	case "APPROVED":
	case "PAUSED":
		return nil, whatsappError(http.StatusBadRequest, 132015, "Template is Paused",
			fmt.Sprintf("Template %s is paused due to low quality so it cannot be sent in a template message.", template.Name))
	case "DISABLED":
		return nil, whatsappError(http.StatusBadRequest, 132016, "Template is Disabled",
			fmt.Sprintf("Template %s has been paused too many times due to low quality and is now permanently disabled.", template.Name))
	default:
		return nil, whatsappError(http.StatusNotFound, 132001, "Template name does not exist in the translation",
			fmt.Sprintf("template name (%s) is %s in %s, not approved", template.Name, registered.Status, template.Language.Code))
	}
	want := map[string]int{}
	if header := registered.component("HEADER"); header != nil {
		if strings.EqualFold(header.Format, "TEXT") {
			want["header"] = variables(header.Text)
		} else {
			want["header"] = 1
		}
	}
	if body := registered.component("BODY"); body != nil {
		want["body"] = variables(body.Text)
	}
	got := map[string]int{}
	for _, component := range template.Components {
		if component.Type == "header" || component.Type == "body" {
			got[component.Type] += len(component.Parameters)
		}
	}
	for _, part := range []string{"header", "body"} {
		if got[part] != want[part] {
			return nil, whatsappError(http.StatusBadRequest, 132000, "Number of parameters does not match the expected number of params",
				fmt.Sprintf("%s: number of localizable_params (%d) does not match the expected number of params (%d)", part, got[part], want[part]))
		}
	}
	return registered, nil
}
