package media

import (
	"errors"
	"fmt"
	"strings"

	"switchboard/internal/options"
)

// MB is the megabyte WhatsApp's limits are stated in.
const MB = 1 << 20

// MaxFileSize is the size every attachment must stay below.
const MaxFileSize = 100 * MB

// WhatsAppLimit is the largest file WhatsApp accepts of each kind.
func WhatsAppLimit(kind Kind) int64 {
	switch kind {
	case KindImage:
		return 5 * MB
	case KindAudio, KindVideo:
		return 16 * MB
	}
	return MaxFileSize - 1
}

// Refusal explains to the agent why a file cannot be sent. Reason is a full sentence.
type Refusal struct {
	Reason string
}

func (r *Refusal) Error() string { return r.Reason }

func refuse(format string, args ...any) *Refusal {
	return &Refusal{Reason: fmt.Sprintf(format, args...)}
}

// Limits is what agents may send: WhatsApp's own limits, narrowed by the attachment.* options.
type Limits struct {
	// Allowed are the type names agents may send.
	Allowed []string
	// MaxBytes is the largest file of each kind.
	MaxBytes map[Kind]int64
}

// WhatsAppLimits allows every supported type up to WhatsApp's sizes.
func WhatsAppLimits() Limits {
	l := Limits{Allowed: TypeNames(Types), MaxBytes: map[Kind]int64{}}
	for _, kind := range []Kind{KindImage, KindAudio, KindVideo, KindDocument} {
		l.MaxBytes[kind] = WhatsAppLimit(kind)
	}
	return l
}

// LimitsFrom reads the limits the options set now. An option can only narrow WhatsApp's limits.
func LimitsFrom(o *options.Set) Limits {
	l := WhatsAppLimits()
	l.Allowed = o.Members(options.AttachmentAllowedTypes)
	narrow := func(kind Kind, name string) {
		if mb := int64(o.Int(name)); mb > 0 && mb*MB < l.MaxBytes[kind] {
			l.MaxBytes[kind] = mb * MB
		}
	}
	narrow(KindImage, options.AttachmentMaxImageSize)
	narrow(KindAudio, options.AttachmentMaxAudioSize)
	narrow(KindVideo, options.AttachmentMaxVideoSize)
	narrow(KindDocument, options.AttachmentMaxDocumentSize)
	return l
}

// Allows reports whether the type named name may be sent.
func (l Limits) Allows(name string) bool {
	for _, allowed := range l.Allowed {
		if strings.EqualFold(allowed, name) {
			return true
		}
	}
	return false
}

// AllowedTypes lists the types that may be sent, in order.
func (l Limits) AllowedTypes() []Type {
	var list []Type
	for _, t := range Types {
		if l.Allows(t.Name) {
			list = append(list, t)
		}
	}
	return list
}

// Largest is the most bytes any allowed file may have: reading an upload stops beyond it.
func (l Limits) Largest() int64 {
	var largest int64
	for _, t := range l.AllowedTypes() {
		largest = max(largest, l.MaxBytes[t.Kind])
	}
	return min(largest, MaxFileSize-1)
}

// TooLarge is the refusal for a file that grew past Largest while it was read, before its type was known.
func (l Limits) TooLarge(name string) *Refusal {
	largest := l.Largest()
	if largest >= MaxFileSize-1 {
		return refuse("%s is too large: files must be smaller than %s.", quoteName(name), FormatSize(MaxFileSize))
	}
	return refuse("%s is too large: the largest file you can send is %s.", quoteName(name), FormatSize(largest))
}

// Check decides whether a file of the given size whose content Detect examined (t and detectErr are what it
// returned) may be sent, and says exactly why not. name is only used to talk about the file.
func (l Limits) Check(name string, size int64, t Type, detectErr error) error {
	quoted := quoteName(name)
	if errors.Is(detectErr, ErrEmpty) || size == 0 {
		return refuse("%s is empty.", quoted)
	}
	if unsupported, ok := errors.AsType[*UnsupportedError](detectErr); ok {
		claimed := ""
		if claimedType, ok := typeByExtension(name); ok {
			claimed = fmt.Sprintf(" Its name says %s, but", strings.ToUpper(claimedType))
			return refuse("%s cannot be sent.%s its content is %s. You can send %s.", quoted, claimed, unsupported.Found, l.allowedList())
		}
		return refuse("%s cannot be sent: its content is %s. You can send %s.", quoted, unsupported.Found, l.allowedList())
	}
	if detectErr != nil {
		return fmt.Errorf("media: check %s: %w", name, detectErr)
	}
	if size >= MaxFileSize {
		return refuse("%s is %s: files must be smaller than %s.", quoted, FormatSize(size), FormatSize(MaxFileSize))
	}
	if !l.Allows(t.Name) {
		return refuse("%s is %s (%s), which your administrator does not allow. You can send %s.", quoted, t.Label, t.Name, l.allowedList())
	}
	if limit := l.MaxBytes[t.Kind]; size > limit {
		sizeText := FormatSize(size)
		if sizeText == FormatSize(limit) {
			sizeText = "just over " + sizeText
		}
		if limit == WhatsAppLimit(t.Kind) {
			return refuse("%s is %s of %s; WhatsApp accepts %s up to %s.", quoted, t.Label, sizeText, kindPlural(t.Kind), FormatSize(limit))
		}
		return refuse("%s is %s of %s; your administrator allows %s up to %s.", quoted, t.Label, sizeText, kindPlural(t.Kind), FormatSize(limit))
	}
	return nil
}

func kindPlural(kind Kind) string {
	switch kind {
	case KindImage:
		return "JPG and PNG images"
	case KindAudio:
		return "audio files"
	case KindVideo:
		return "videos"
	}
	return "documents"
}

// allowedList names the allowed types for a sentence: "PDF, DOCX or PNG files".
func (l Limits) allowedList() string {
	names := TypeNames(l.AllowedTypes())
	switch len(names) {
	case 0:
		return "no files at all"
	case 1:
		return names[0] + " files"
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + " files"
}

// typeByExtension reads the extension of a file name, for telling the agent what the name claims.
func typeByExtension(name string) (string, bool) {
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || dot == len(name)-1 {
		return "", false
	}
	extension := strings.ToLower(name[dot+1:])
	for _, t := range Types {
		for _, known := range t.Extensions {
			if known == extension {
				return extension, true
			}
		}
	}
	return "", false
}

func quoteName(name string) string {
	if name == "" {
		return "The file"
	}
	return "“" + name + "”"
}

// FormatSize writes a byte count the way people read file sizes: 512 bytes, 1.5 KB, 7.3 MB.
func FormatSize(n int64) string {
	switch {
	case n < 1024:
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	case n < MB:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1024)) + " KB"
	case n < 1024*MB:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/MB)) + " MB"
	}
	return trimZero(fmt.Sprintf("%.1f", float64(n)/(1024*MB))) + " GB"
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
