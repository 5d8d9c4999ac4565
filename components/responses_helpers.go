package components

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

func richIcon(kind string) string {
	switch kind {
	case "buttons":
		return "⇆"
	case "list":
		return "☰"
	}
	return "✉"
}

// answers reports whether tapping a button of this type answers the message (a template's quick reply or
// an interactive reply button); the others call or open their target.
func answers(buttonType string) bool { return buttonType == "quick_reply" || buttonType == "reply" }

// answerValues is the hx-vals of a tap on option of the message wamid.
func answerValues(wamid, option string) string {
	encoded, _ := json.Marshal(map[string]string{"wamid": wamid, "option": option})
	return string(encoded)
}

func buttonIcon(kind string) string {
	switch kind {
	case "url":
		return "↗"
	case "phone_number":
		return "✆"
	}
	return "↩"
}

func mediaWord(format string) string {
	switch format {
	case "image":
		return "Image"
	case "video":
		return "Video"
	case "document":
		return "Document"
	}
	return strings.ToUpper(format[:min(1, len(format))]) + format[min(1, len(format)):]
}

func headerAccept(format string) string {
	switch format {
	case "image":
		return "image/jpeg,image/png"
	case "video":
		return "video/mp4"
	}
	return ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt"
}

func headerFileName(h EditorHeaderView) string {
	if h.Name == "" {
		return "none yet"
	}
	return h.Name
}

func editorFieldID(interactionID int64, key string) string {
	return fmt.Sprintf("editor-%d-%s", interactionID, strings.ReplaceAll(key, ".", "-"))
}

// FileSize renders a byte count for people.
func FileSize(bytes int64) string {
	switch {
	case bytes >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(bytes)/(1<<20))
	case bytes >= 1<<10:
		return fmt.Sprintf("%d KB", (bytes+512)>>10)
	}
	return fmt.Sprintf("%d bytes", bytes)
}

func isMediaFormat(format string) bool {
	return format == "image" || format == "video" || format == "document"
}

func responseFormAction(id int64) string {
	if id == 0 {
		return "/admin/responses"
	}
	return fmt.Sprintf("/admin/responses/%d", id)
}

// sortedMessages lists a form's problems in a stable order.
func sortedMessages(problems map[string]string) []string {
	keys := make([]string, 0, len(problems))
	for k := range problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	list := make([]string, len(keys))
	for i, k := range keys {
		list[i] = problems[k]
	}
	return list
}
