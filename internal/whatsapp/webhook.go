package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// webhookObject is the only envelope "object" the WhatsApp Business Account webhook uses.
const webhookObject = "whatsapp_business_account"

// messagesField is the change field that carries messages and statuses. Besides it only
// templateStatusField is read; other fields (account updates, quality scores, ...) are ignored.
const messagesField = "messages"

// latestUnixSecond bounds timestamps to the year 9999 so every accepted time fits in Unix milliseconds.
const latestUnixSecond = 253402300799

var (
	errNotObject = errors.New("not a JSON object")
	errMissing   = errors.New("missing")
)

// ParseWebhook parses a Cloud API webhook body (object "whatsapp_business_account",
// entry[].changes[].value).
//
// It returns an error only when the body is not a JSON object. Everything inside that cannot be
// understood (a message without an id, an entry that is not an object, ...) is returned in
// Batch.Malformed with its raw JSON and a reason, and the rest of the batch is still returned: one bad
// item must not make Meta redeliver, or us drop, the good ones next to it.
//
// Keys are matched exactly as Meta spells them, and every message and status is decoded on its own.
func ParseWebhook(body []byte) (Batch, error) {
	envelope, err := decodeObject(body)
	if err != nil {
		return Batch{}, fmt.Errorf("whatsapp: parse webhook: %w", err)
	}
	var batch Batch
	var object string
	if err := decodeField(envelope, "object", &object); err != nil || object != webhookObject {
		batch.quarantine(bytes.Clone(body), fmt.Sprintf("envelope object is not %q", webhookObject))
		return batch, nil
	}
	var entries []json.RawMessage
	if err := decodeField(envelope, "entry", &entries); err != nil {
		batch.quarantine(bytes.Clone(body), "envelope entry is not an array")
		return batch, nil
	}
	for _, entry := range entries {
		batch.parseEntry(entry)
	}
	return batch, nil
}

func (batch *Batch) quarantine(raw json.RawMessage, reason string) {
	batch.Malformed = append(batch.Malformed, MalformedItem{Raw: raw, Reason: reason})
}

func (batch *Batch) parseEntry(raw json.RawMessage) {
	entry, err := decodeObject(raw)
	if err != nil {
		batch.quarantine(raw, "entry is not an object")
		return
	}
	var changes []json.RawMessage
	if err := decodeField(entry, "changes", &changes); err != nil {
		batch.quarantine(raw, "entry changes is not an array")
		return
	}
	header := readEntryHeader(entry)
	for _, change := range changes {
		batch.parseChange(change, header)
	}
}

// webhookMetadata identifies the business phone number a value belongs to.
type webhookMetadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

func (batch *Batch) parseChange(raw json.RawMessage, entry webhookEntryHeader) {
	change, err := decodeObject(raw)
	if err != nil {
		batch.quarantine(raw, "change is not an object")
		return
	}
	var field string
	if err := decodeField(change, "field", &field); err != nil || field != messagesField && field != templateStatusField {
		return
	}
	valueRaw, ok := change["value"]
	if !ok || isNull(valueRaw) {
		return
	}
	value, err := decodeObject(valueRaw)
	if err != nil {
		batch.quarantine(raw, "change value is not an object")
		return
	}
	if field == templateStatusField {
		batch.parseTemplateStatusChange(raw, value, entry)
		return
	}
	var metadata webhookMetadata
	if err := decodeField(value, "metadata", &metadata); err != nil {
		batch.quarantine(raw, "value metadata: "+describeDecodeError(err))
		return
	}
	profiles := profileNames(value)

	var messages, statuses, valueErrors []json.RawMessage
	if err := decodeField(value, "messages", &messages); err != nil {
		batch.quarantine(raw, "value messages is not an array")
	}
	if err := decodeField(value, "statuses", &statuses); err != nil {
		batch.quarantine(raw, "value statuses is not an array")
	}
	if err := decodeField(value, "errors", &valueErrors); err != nil {
		batch.quarantine(raw, "value errors is not an array")
	}
	for _, item := range messages {
		message, err := parseMessage(item, metadata, profiles)
		if err != nil {
			batch.quarantine(item, "message: "+err.Error())
			continue
		}
		batch.Messages = append(batch.Messages, message)
	}
	for _, item := range statuses {
		status, err := parseStatus(item, metadata)
		if err != nil {
			batch.quarantine(item, "status: "+err.Error())
			continue
		}
		batch.Statuses = append(batch.Statuses, status)
	}
	for _, item := range valueErrors {
		var wire wireError
		if err := decodeStrictObject(item, &wire); err != nil {
			batch.quarantine(item, "value error: "+describeDecodeError(err))
			continue
		}
		batch.Errors = append(batch.Errors, ValueError{PhoneNumberID: metadata.PhoneNumberID, Error: wire.toError()})
	}
}

// parseTemplateStatusChange keeps a template status change, or quarantines the whole change (its value
// is one item). Meta documents quality score changes under this field too; they carry no event and say
// nothing about whether the template may be sent, so they are ignored.
func (batch *Batch) parseTemplateStatusChange(raw json.RawMessage, value map[string]json.RawMessage, entry webhookEntryHeader) {
	if _, hasEvent := value["event"]; !hasEvent {
		if _, quality := value["new_quality_score"]; quality {
			return
		}
	}
	change, err := parseTemplateStatus(value, entry, raw)
	if err != nil {
		batch.quarantine(raw, "template status: "+err.Error())
		return
	}
	batch.TemplateStatuses = append(batch.TemplateStatuses, change)
}

// profileNames maps wa_id to profile name from value.contacts. The contacts array only decorates
// messages, so an entry that cannot be read is skipped rather than spoiling the messages.
func profileNames(value map[string]json.RawMessage) map[string]string {
	var contacts []json.RawMessage
	if err := decodeField(value, "contacts", &contacts); err != nil {
		return nil
	}
	names := make(map[string]string, len(contacts))
	for _, raw := range contacts {
		var contact struct {
			Profile struct {
				Name string `json:"name"`
			} `json:"profile"`
			WAID string `json:"wa_id"`
		}
		if err := json.Unmarshal(raw, &contact); err != nil || contact.WAID == "" {
			continue
		}
		if _, seen := names[contact.WAID]; !seen {
			names[contact.WAID] = contact.Profile.Name
		}
	}
	return names
}

// wireError is the error object inside webhooks.
type wireError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href"`
}

func (w wireError) toError() Error {
	return Error{Code: w.Code, Title: w.Title, Message: w.Message, Details: w.ErrorData.Details, Href: w.Href}
}

func toErrors(wire []wireError) []Error {
	if len(wire) == 0 {
		return nil
	}
	out := make([]Error, len(wire))
	for i, w := range wire {
		out[i] = w.toError()
	}
	return out
}

func parseStatus(raw json.RawMessage, metadata webhookMetadata) (StatusUpdate, error) {
	fields, err := decodeObject(raw)
	if err != nil {
		return StatusUpdate{}, err
	}
	status := StatusUpdate{PhoneNumberID: metadata.PhoneNumberID, Raw: raw}
	if err := requireString(fields, "id", &status.WAMID); err != nil {
		return StatusUpdate{}, err
	}
	if err := requireString(fields, "status", &status.Status); err != nil {
		return StatusUpdate{}, err
	}
	if status.Timestamp, err = parseTimestamp(fields); err != nil {
		return StatusUpdate{}, err
	}
	if err := decodeField(fields, "recipient_id", &status.RecipientID); err != nil {
		return StatusUpdate{}, fmt.Errorf("recipient_id: %s", describeDecodeError(err))
	}
	var wireErrors []wireError
	if err := decodeField(fields, "errors", &wireErrors); err != nil {
		return StatusUpdate{}, fmt.Errorf("errors: %s", describeDecodeError(err))
	}
	status.Errors = toErrors(wireErrors)
	return status, nil
}

// parseTimestamp reads Meta's "timestamp": a string of Unix seconds. A bare JSON number is accepted too,
// because it means the same thing and costs nothing to understand.
func parseTimestamp(fields map[string]json.RawMessage) (time.Time, error) {
	raw, ok := fields["timestamp"]
	if !ok || isNull(raw) {
		return time.Time{}, errors.New("timestamp: missing")
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		var number json.Number
		if err := json.Unmarshal(raw, &number); err != nil {
			return time.Time{}, errors.New("timestamp: not a string of Unix seconds")
		}
		text = number.String()
	}
	if text == "" {
		return time.Time{}, errors.New("timestamp: missing")
	}
	for _, digit := range []byte(text) {
		if digit < '0' || digit > '9' {
			return time.Time{}, fmt.Errorf("timestamp: %q is not whole Unix seconds", text)
		}
	}
	seconds, err := strconv.ParseInt(text, 10, 64)
	if err != nil || seconds <= 0 || seconds > latestUnixSecond {
		return time.Time{}, fmt.Errorf("timestamp: %q is out of range", text)
	}
	return time.Unix(seconds, 0).UTC(), nil
}

// decodeObject decodes raw into its top-level keys, refusing anything but an object (json.Unmarshal
// would happily turn null into a nil map).
func decodeObject(raw []byte) (map[string]json.RawMessage, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if json.Valid(raw) {
			return nil, errNotObject
		}
		var probe any
		return nil, json.Unmarshal(raw, &probe)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	return fields, nil
}

// decodeStrictObject decodes raw into destination, refusing anything but an object.
func decodeStrictObject(raw json.RawMessage, destination any) error {
	if !isObject(raw) {
		return errNotObject
	}
	return json.Unmarshal(raw, destination)
}

// decodeField decodes fields[key] into destination; an absent key or null leaves destination unchanged.
func decodeField(fields map[string]json.RawMessage, key string, destination any) error {
	raw, ok := fields[key]
	if !ok || isNull(raw) {
		return nil
	}
	return json.Unmarshal(raw, destination)
}

// requireString decodes fields[key] as a string that must be present and non-empty.
func requireString(fields map[string]json.RawMessage, key string, destination *string) error {
	if err := decodeField(fields, key, destination); err != nil {
		return fmt.Errorf("%s: not a string", key)
	}
	if *destination == "" {
		return fmt.Errorf("%s: %w", key, errMissing)
	}
	return nil
}

// requireObject decodes the object under key, which must be present.
func requireObject(fields map[string]json.RawMessage, key string, destination any) error {
	raw, ok := fields[key]
	if !ok || isNull(raw) {
		return fmt.Errorf("%s: %w", key, errMissing)
	}
	if err := decodeStrictObject(raw, destination); err != nil {
		return fmt.Errorf("%s: %s", key, describeDecodeError(err))
	}
	return nil
}

// describeDecodeError words a decoding failure for the quarantine table in JSON terms, without the Go
// type names encoding/json would mention.
func describeDecodeError(err error) string {
	if typeError, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if typeError.Field == "" {
			return fmt.Sprintf("unexpected JSON %s", typeError.Value)
		}
		return fmt.Sprintf("%s is a JSON %s of the wrong kind", typeError.Field, typeError.Value)
	}
	if errors.Is(err, errNotObject) {
		return errNotObject.Error()
	}
	return err.Error()
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func isObject(raw json.RawMessage) bool {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{'
}
