// Package options is the registry of every setting an admin can change: its name, type, default, valid values,
// description and when a change takes effect. Code reads options only through the typed accessors here.
package options

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Kind is an option's value type.
type Kind string

// Option value kinds.
const (
	KindBool    Kind = "bool"
	KindInt     Kind = "int"
	KindString  Kind = "string"
	KindChoice  Kind = "choice"
	KindPairInt Kind = "int pair" // "a,b" with a < b, e.g. warning and maximum seconds
	KindColor   Kind = "color"    // "#rrggbb"
	KindSet     Kind = "set"      // a comma-separated, non-empty subset of Members
)

// Definition describes one option.
type Definition struct {
	Name        string
	Kind        Kind
	Default     string
	Min, Max    int      // for KindInt and KindPairInt
	Choices     []string // for KindChoice
	Members     []string // for KindSet
	Description string
	Effect      string                   // when a change takes effect
	Group       string                   // heading on the settings page
	Check       func(value string) error // a further rule beyond the kind's, when the kind is not enough
}

// ValidValues describes what the option accepts, for the settings page.
func (d Definition) ValidValues() string {
	switch d.Kind {
	case KindBool:
		return "true or false"
	case KindInt:
		return fmt.Sprintf("whole number %d to %d", d.Min, d.Max)
	case KindPairInt:
		return fmt.Sprintf("two whole numbers \"a,b\" with %d ≤ a < b ≤ %d", d.Min, d.Max)
	case KindChoice:
		return "one of: " + strings.Join(d.Choices, ", ")
	case KindColor:
		return "a colour as #rrggbb"
	case KindSet:
		return "one or more of " + strings.Join(d.Members, ", ") + ", separated by commas"
	default:
		if d.Max > 0 {
			return fmt.Sprintf("text up to %d characters", d.Max)
		}
		return "any text"
	}
}

// Validate checks a value and returns it in canonical form, or an error saying what is wrong.
func (d Definition) Validate(raw string) (string, error) {
	value, err := d.validateKind(raw)
	if err == nil && d.Check != nil {
		err = d.Check(value)
	}
	return value, err
}

func (d Definition) validateKind(raw string) (string, error) {
	value := strings.TrimSpace(raw)
	switch d.Kind {
	case KindBool:
		switch strings.ToLower(value) {
		case "true":
			return "true", nil
		case "false":
			return "false", nil
		}
		return "", fmt.Errorf("%q is not true or false", raw)
	case KindInt:
		n, err := strconv.Atoi(value)
		if err != nil {
			return "", fmt.Errorf("%q is not a whole number", raw)
		}
		if n < d.Min || n > d.Max {
			return "", fmt.Errorf("%d is outside %d to %d", n, d.Min, d.Max)
		}
		return strconv.Itoa(n), nil
	case KindPairInt:
		first, second, ok := strings.Cut(value, ",")
		a, errA := strconv.Atoi(strings.TrimSpace(first))
		b, errB := strconv.Atoi(strings.TrimSpace(second))
		if !ok || errA != nil || errB != nil {
			return "", fmt.Errorf("%q is not two whole numbers separated by a comma", raw)
		}
		if a < d.Min || b > d.Max || a >= b {
			return "", fmt.Errorf("need %d ≤ first < second ≤ %d, got %d,%d", d.Min, d.Max, a, b)
		}
		return fmt.Sprintf("%d,%d", a, b), nil
	case KindChoice:
		for _, choice := range d.Choices {
			if strings.EqualFold(value, choice) {
				return choice, nil
			}
		}
		return "", fmt.Errorf("%q is not one of %s", raw, strings.Join(d.Choices, ", "))
	case KindColor:
		if len(value) != 7 || value[0] != '#' || strings.Trim(strings.ToLower(value[1:]), "0123456789abcdef") != "" {
			return "", fmt.Errorf("%q is not a colour like #1a2b3c", raw)
		}
		return strings.ToLower(value), nil
	case KindSet:
		return d.validateSet(value)
	default:
		if d.Max > 0 && len([]rune(value)) > d.Max {
			return "", fmt.Errorf("longer than %d characters", d.Max)
		}
		if strings.ContainsAny(value, "\x00\r\n") {
			return "", errors.New("must be one line of text")
		}
		return value, nil
	}
}

// validateSet accepts members in any case and order, and returns them in the registry's order without
// repeats, so equal sets are stored the same way.
func (d Definition) validateSet(value string) (string, error) {
	chosen := map[string]bool{}
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		found := false
		for _, member := range d.Members {
			if strings.EqualFold(item, member) {
				chosen[member], found = true, true
			}
		}
		if !found {
			return "", fmt.Errorf("%q is not one of %s", item, strings.Join(d.Members, ", "))
		}
	}
	if len(chosen) == 0 {
		return "", fmt.Errorf("name at least one of %s", strings.Join(d.Members, ", "))
	}
	var canonical []string
	for _, member := range d.Members {
		if chosen[member] {
			canonical = append(canonical, member)
		}
	}
	return strings.Join(canonical, ","), nil
}

// ErrUnknown is returned for a name the registry does not define.
var ErrUnknown = errors.New("unknown option")

var registry = map[string]Definition{}

func define(d Definition) string {
	if _, err := d.Validate(d.Default); err != nil {
		panic(fmt.Sprintf("options: default of %s invalid: %v", d.Name, err))
	}
	registry[d.Name] = d
	return d.Name
}

// Lookup returns the definition of name.
func Lookup(name string) (Definition, bool) {
	d, ok := registry[name]
	return d, ok
}

// All returns every definition ordered by group then name.
func All() []Definition {
	list := make([]Definition, 0, len(registry))
	for _, d := range registry {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Group != list[j].Group {
			return list[i].Group < list[j].Group
		}
		return list[i].Name < list[j].Name
	})
	return list
}

// Storage is where values persist.
type Storage interface {
	OptionValues(ctx context.Context) (map[string]string, error)
	SetOptions(ctx context.Context, values map[string]string, by int64) error
}

// Set holds the current values. Reads are served from memory; writes go to storage first.
type Set struct {
	storage Storage
	mu      sync.RWMutex
	values  map[string]string
}

// Load reads the stored values; options never set keep their defaults.
func Load(ctx context.Context, storage Storage) (*Set, error) {
	values, err := storage.OptionValues(ctx)
	if err != nil {
		return nil, fmt.Errorf("options: load: %w", err)
	}
	s := &Set{storage: storage, values: map[string]string{}}
	for name, value := range values {
		d, ok := registry[name]
		if !ok {
			continue // an option retired by a later version; keep the row, ignore it
		}
		if canonical, err := d.Validate(value); err == nil {
			s.values[name] = canonical
		}
	}
	return s, nil
}

// Raw returns the current value of name as text.
func (s *Set) Raw(name string) string {
	s.mu.RLock()
	value, ok := s.values[name]
	s.mu.RUnlock()
	if ok {
		return value
	}
	return registry[name].Default
}

// IsDefault reports whether name still has its default value.
func (s *Set) IsDefault(name string) bool {
	return s.Raw(name) == registry[name].Default
}

// Update validates every value first and stores them only when all are valid, so a form with one bad field
// changes nothing. The returned map names each invalid option with its message.
func (s *Set) Update(ctx context.Context, changes map[string]string, by int64) (map[string]string, error) {
	problems := map[string]string{}
	canonical := map[string]string{}
	for name, raw := range changes {
		d, ok := registry[name]
		if !ok {
			problems[name] = ErrUnknown.Error()
			continue
		}
		value, err := d.Validate(raw)
		if err != nil {
			problems[name] = err.Error()
			continue
		}
		canonical[name] = value
	}
	if len(problems) > 0 {
		return problems, nil
	}
	if err := s.storage.SetOptions(ctx, canonical, by); err != nil {
		return nil, fmt.Errorf("options: update: %w", err)
	}
	s.mu.Lock()
	for name, value := range canonical {
		s.values[name] = value
	}
	s.mu.Unlock()
	return nil, nil
}

// Bool reads a boolean option.
func (s *Set) Bool(name string) bool { return s.Raw(name) == "true" }

// Int reads a whole-number option.
func (s *Set) Int(name string) int {
	n, _ := strconv.Atoi(s.Raw(name))
	return n
}

// String reads a text option.
func (s *Set) String(name string) string { return s.Raw(name) }

// Members reads a set option as its members, in the registry's order.
func (s *Set) Members(name string) []string {
	raw := s.Raw(name)
	if raw == "" {
		return nil
	}
	return strings.Split(raw, ",")
}

// Pair reads an "a,b" option.
func (s *Set) Pair(name string) (int, int) {
	first, second, _ := strings.Cut(s.Raw(name), ",")
	a, _ := strconv.Atoi(first)
	b, _ := strconv.Atoi(second)
	return a, b
}
