package components

import (
	"encoding/json"
	"fmt"
)

func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func idAttr(prefix string, id int64) string { return fmt.Sprintf("%s-%d", prefix, id) }

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// htmxConfig keeps htmx within the CSP (no inline styles, no eval) and says where responses go: 422 carries a
// form re-rendered with its errors; other errors go to the page's flash area.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"defaultSettleDelay":0,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},` +
	`{"code":"[45]..","swap":true,"error":true,"target":"#flash","swapOverride":"innerHTML"}]}`

// segmentsOr is list, or the plain text as one segment when the message was not parsed into segments.
func segmentsOr(list []TextSegment, text string) []TextSegment {
	if len(list) == 0 {
		return []TextSegment{{Text: text}}
	}
	return list
}
