package simulator

import (
	"fmt"
	"strings"
)

// summarizeSend turns a business message into one line of plain text for the JSON
// API and for places that cannot show rich content.
func summarizeSend(request *sendRequest) string {
	switch request.Type {
	case "text":
		if request.Text != nil && request.Text.Body != nil {
			return *request.Text.Body
		}
	case "image", "audio", "video", "document", "sticker":
		media := mediaOf(request)
		if media == nil {
			break
		}
		label := "[" + request.Type + "]"
		if media.Filename != "" {
			label += " " + media.Filename
		}
		if media.Caption != "" {
			label += " " + media.Caption
		}
		return label
	case "location":
		if request.Location != nil && request.Location.Latitude != nil && request.Location.Longitude != nil {
			return strings.TrimSpace(fmt.Sprintf("[location] %s %s (%g, %g)", request.Location.Name,
				request.Location.Address, *request.Location.Latitude, *request.Location.Longitude))
		}
	case "contacts":
		names := make([]string, 0, len(request.Contacts))
		for _, card := range request.Contacts {
			if card.Name != nil {
				names = append(names, card.Name.FormattedName)
			}
		}
		return "[contacts] " + strings.Join(names, ", ")
	case "reaction":
		if request.Reaction != nil && request.Reaction.Emoji != nil {
			return *request.Reaction.Emoji
		}
	case "template":
		if request.Template != nil {
			return summarizeTemplate(request.Template)
		}
	case "interactive":
		if request.Interactive != nil && request.Interactive.Body != nil {
			return request.Interactive.Body.Text
		}
	}
	return "[" + request.Type + "]"
}

// summarizeTemplate shows the template's name and the values filled in; the text of
// the approved template itself lives at Meta, not in the request.
func summarizeTemplate(template *sendTemplate) string {
	var values []string
	for _, component := range template.Components {
		for _, parameter := range component.Parameters {
			if value := templateParameterText(parameter); value != "" {
				values = append(values, value)
			}
		}
	}
	summary := "[template " + template.Name + "]"
	if len(values) > 0 {
		summary += " " + strings.Join(values, " | ")
	}
	return summary
}

// templateParameterText is the human-readable value of one template parameter.
func templateParameterText(parameter sendTemplateParam) string {
	switch {
	case parameter.Text != "":
		return parameter.Text
	case parameter.Payload != "":
		return parameter.Payload
	case parameter.Currency != nil:
		return parameter.Currency.FallbackValue
	case parameter.DateTime != nil:
		return parameter.DateTime.FallbackValue
	case parameter.Image != nil:
		return "[image]"
	case parameter.Document != nil:
		return "[document]"
	case parameter.Video != nil:
		return "[video]"
	}
	return ""
}
