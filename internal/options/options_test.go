package options_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/internal/options"
	"switchboard/store"
)

func openStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

func TestEveryDefinitionIsComplete(t *testing.T) {
	all := options.All()
	if len(all) == 0 {
		t.Fatal("registry is empty")
	}
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d.Name] {
			t.Errorf("%s registered twice", d.Name)
		}
		seen[d.Name] = true
		canonical, err := d.Validate(d.Default)
		if err != nil {
			t.Errorf("%s: default %q invalid: %v", d.Name, d.Default, err)
		}
		if canonical != d.Default {
			t.Errorf("%s: default %q is not canonical (%q)", d.Name, d.Default, canonical)
		}
		if d.Description == "" || d.Effect == "" || d.Group == "" {
			t.Errorf("%s: missing description, effect or group", d.Name)
		}
		if d.ValidValues() == "" {
			t.Errorf("%s: empty ValidValues", d.Name)
		}
		if got, ok := options.Lookup(d.Name); !ok || got.Name != d.Name {
			t.Errorf("Lookup(%s) = %v", d.Name, ok)
		}
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.Group > b.Group || a.Group == b.Group && a.Name > b.Name {
			t.Errorf("All() not ordered by group then name: %s/%s before %s/%s", a.Group, a.Name, b.Group, b.Name)
		}
	}
	if _, ok := options.Lookup("no.such-option"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
}

func TestVendorDefaults(t *testing.T) {
	st, _ := openStore(t)
	set, err := options.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want string
	}{
		{"whatsappsession.max-text-message-size", "4096"},
		{"whatsappsession.transcript-interactions-count", "1"},
		{"whatsappsession.pending-response-to-customer", "30,50"},
		{"whatsappsession.new-message-blinking", "true"},
		{"whatsappsession.new-message-blinking-duration", "0"},
		{"whatsappsession.show-cross-channel-messages", "false"},
		{"whatsappsession.emojis-business-attribute", ""},
		{"intercommunication.whatsappsession.queue", ""},
	}
	for _, tt := range tests {
		d, ok := options.Lookup(tt.name)
		if !ok {
			t.Errorf("%s is not registered", tt.name)
			continue
		}
		if d.Default != tt.want {
			t.Errorf("%s default = %q, want %q", tt.name, d.Default, tt.want)
		}
		if got := set.Raw(tt.name); got != tt.want {
			t.Errorf("%s loaded as %q, want %q", tt.name, got, tt.want)
		}
		if !set.IsDefault(tt.name) {
			t.Errorf("%s not reported as default", tt.name)
		}
	}
	// The typed accessors agree with the defaults.
	if got := set.Int(options.MaxTextMessageSize); got != 4096 {
		t.Errorf("Int(max-text-message-size) = %d", got)
	}
	if a, b := set.Pair(options.PendingResponseToCustomer); a != 30 || b != 50 {
		t.Errorf("Pair(pending-response-to-customer) = %d,%d", a, b)
	}
	if !set.Bool(options.NewMessageBlinking) || set.Bool(options.ShowCrossChannelMessages) {
		t.Error("Bool accessors disagree with defaults")
	}
	if set.String(options.EmojisBusinessAttribute) != "" || set.String(options.ConferenceQueue) != "" {
		t.Error("String accessors disagree with defaults")
	}
}

func TestValidate(t *testing.T) {
	boolean := options.Definition{Name: "b", Kind: options.KindBool}
	integer := options.Definition{Name: "i", Kind: options.KindInt, Min: 1, Max: 10}
	pair := options.Definition{Name: "p", Kind: options.KindPairInt, Min: 1, Max: 86400}
	choice := options.Definition{Name: "c", Kind: options.KindChoice, Choices: []string{"Low", "High"}}
	short := options.Definition{Name: "s", Kind: options.KindString, Max: 5}
	unbounded := options.Definition{Name: "u", Kind: options.KindString}

	tests := []struct {
		name  string
		def   options.Definition
		raw   string
		want  string
		valid bool
	}{
		{"bool true", boolean, "true", "true", true},
		{"bool upper case", boolean, "TRUE", "true", true},
		{"bool spaced false", boolean, " false ", "false", true},
		{"bool yes", boolean, "yes", "", false},
		{"bool 1", boolean, "1", "", false},
		{"bool empty", boolean, "", "", false},

		{"int inside", integer, "5", "5", true},
		{"int lower bound", integer, "1", "1", true},
		{"int upper bound", integer, "10", "10", true},
		{"int spaced", integer, " 7 ", "7", true},
		{"int leading zero", integer, "007", "7", true},
		{"int below", integer, "0", "", false},
		{"int above", integer, "11", "", false},
		{"int negative", integer, "-3", "", false},
		{"int fraction", integer, "1.5", "", false},
		{"int word", integer, "five", "", false},
		{"int empty", integer, "", "", false},

		{"pair default", pair, "30,50", "30,50", true},
		{"pair spaced", pair, " 30 , 50 ", "30,50", true},
		{"pair at bounds", pair, "1,86400", "1,86400", true},
		{"pair reversed", pair, "50,30", "", false},
		{"pair equal", pair, "30,30", "", false},
		{"pair first below min", pair, "0,50", "", false},
		{"pair second above max", pair, "30,86401", "", false},
		{"pair one number", pair, "30", "", false},
		{"pair three numbers", pair, "30,50,70", "", false},
		{"pair words", pair, "a,b", "", false},
		{"pair empty second", pair, "30,", "", false},
		{"pair semicolon", pair, "30;50", "", false},

		{"choice exact", choice, "High", "High", true},
		{"choice case-insensitive", choice, "low", "Low", true},
		{"choice unknown", choice, "Medium", "", false},
		{"choice empty", choice, "", "", false},

		{"string empty", short, "", "", true},
		{"string at max", short, "hello", "hello", true},
		{"string at max in runes", short, "héllo", "héllo", true},
		{"string emoji runes", short, "😀😀😀😀😀", "😀😀😀😀😀", true},
		{"string over max", short, "hellos", "", false},
		{"string trimmed to fit", short, "  hello  ", "hello", true},
		{"string newline", short, "a\nb", "", false},
		{"string carriage return", short, "a\rb", "", false},
		{"string NUL", short, "a\x00b", "", false},
		{"string unbounded long", unbounded, strings.Repeat("x", 5000), strings.Repeat("x", 5000), true},
		{"string unbounded newline", unbounded, "line one\nline two", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.def.Validate(tt.raw)
			if tt.valid {
				if err != nil {
					t.Fatalf("Validate(%q) err = %v", tt.raw, err)
				}
				if got != tt.want {
					t.Errorf("Validate(%q) = %q, want %q", tt.raw, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%q) = %q, want an error", tt.raw, got)
			}
			if err.Error() == "" {
				t.Error("error has no message")
			}
		})
	}
}

func TestUpdateIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		changes     map[string]string
		wantProblem []string
	}{
		{"one bad pair", map[string]string{
			options.MaxTextMessageSize:        "100",
			options.PendingResponseToCustomer: "50,30",
			options.NewMessageBlinking:        "false",
		}, []string{options.PendingResponseToCustomer}},
		{"int out of range", map[string]string{
			options.MaxTextMessageSize: "0",
			options.AutoAnswer:         "true",
		}, []string{options.MaxTextMessageSize}},
		{"unknown name", map[string]string{
			options.AutoAnswer:     "true",
			"whatsappsession.nope": "1",
		}, []string{"whatsappsession.nope"}},
		{"string with newline and bad bool", map[string]string{
			options.EmojisBusinessAttribute: "emojis\nmore",
			options.NewMessageBlinking:      "maybe",
			options.OfferTimeout:            "60",
		}, []string{options.EmojisBusinessAttribute, options.NewMessageBlinking}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := openStore(t)
			set, err := options.Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			problems, err := set.Update(ctx, tt.changes, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != len(tt.wantProblem) {
				t.Errorf("problems = %v, want entries for %v", problems, tt.wantProblem)
			}
			for _, name := range tt.wantProblem {
				if problems[name] == "" {
					t.Errorf("problems has no message for %s: %v", name, problems)
				}
			}
			stored, err := st.OptionValues(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(stored) != 0 {
				t.Errorf("stored %v despite a bad value", stored)
			}
			for name := range tt.changes {
				if _, known := options.Lookup(name); known && !set.IsDefault(name) {
					t.Errorf("%s changed in memory to %q despite a bad value", name, set.Raw(name))
				}
			}
		})
	}
	if problems := func() map[string]string {
		st, _ := openStore(t)
		set, _ := options.Load(ctx, st)
		p, _ := set.Update(ctx, map[string]string{options.ConferenceQueue: "x"}, 0)
		return p
	}(); problems != nil {
		t.Errorf("valid update returned problems %v", problems)
	}
}

func TestUpdatePersistsAcrossLoad(t *testing.T) {
	ctx := context.Background()
	st, path := openStore(t)
	admin, err := st.CreateUser(ctx, store.User{Username: "admin", DisplayName: "Admin", PasswordHash: "x", Role: "admin", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	set, err := options.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string]string{
		options.MaxTextMessageSize:         " 1024 ",
		options.PendingResponseToCustomer:  "10 , 20",
		options.NewMessageBlinking:         "FALSE",
		options.NewMessageBlinkingDuration: "15",
		options.EmojisBusinessAttribute:    "  Emojis  ",
		options.ConferenceQueue:            "WhatsApp Conference",
	}
	want := map[string]string{
		options.MaxTextMessageSize:         "1024",
		options.PendingResponseToCustomer:  "10,20",
		options.NewMessageBlinking:         "false",
		options.NewMessageBlinkingDuration: "15",
		options.EmojisBusinessAttribute:    "Emojis",
		options.ConferenceQueue:            "WhatsApp Conference",
	}
	problems, err := set.Update(ctx, changes, admin)
	if err != nil || problems != nil {
		t.Fatalf("Update = %v, %v", problems, err)
	}
	check := func(label string, s *options.Set) {
		t.Helper()
		for name, value := range want {
			if got := s.Raw(name); got != value {
				t.Errorf("%s: %s = %q, want %q", label, name, got, value)
			}
			if s.IsDefault(name) {
				t.Errorf("%s: %s still reported as default", label, name)
			}
		}
		if a, b := s.Pair(options.PendingResponseToCustomer); a != 10 || b != 20 {
			t.Errorf("%s: Pair = %d,%d", label, a, b)
		}
		if s.Int(options.MaxTextMessageSize) != 1024 || s.Bool(options.NewMessageBlinking) {
			t.Errorf("%s: typed accessors wrong", label)
		}
		if !s.IsDefault(options.AutoAnswer) {
			t.Errorf("%s: untouched option not default", label)
		}
	}
	check("same set", set)

	again, err := options.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	check("reloaded", again)

	var updatedBy int64
	if err := st.DB().QueryRowContext(ctx, `SELECT updated_by FROM options WHERE name = ?`, options.ConferenceQueue).Scan(&updatedBy); err != nil || updatedBy != admin {
		t.Errorf("updated_by = %d, %v; want %d", updatedBy, err, admin)
	}

	// Survives closing and reopening the database file.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	reopened, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	fromDisk, err := options.Load(ctx, reopened)
	if err != nil {
		t.Fatal(err)
	}
	check("reopened", fromDisk)
}

func TestLoadIgnoresUnknownAndInvalidStoredValues(t *testing.T) {
	ctx := context.Background()
	st, _ := openStore(t)
	for name, value := range map[string]string{
		"retired.option":                  "whatever",
		options.PendingResponseToCustomer: "50,30",
		options.MaxTextMessageSize:        "not a number",
		options.OfferTimeout:              " 45 ",
	} {
		if err := st.SetOption(ctx, name, value, 0); err != nil {
			t.Fatal(err)
		}
	}
	set, err := options.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Raw(options.PendingResponseToCustomer); got != "30,50" {
		t.Errorf("invalid stored pair loaded as %q, want default", got)
	}
	if got := set.Int(options.MaxTextMessageSize); got != 4096 {
		t.Errorf("invalid stored int loaded as %d, want default", got)
	}
	if got := set.Raw(options.OfferTimeout); got != "45" {
		t.Errorf("stored value loaded as %q, want canonical 45", got)
	}
}

func TestSetOptionValues(t *testing.T) {
	d, ok := options.Lookup(options.AttachmentAllowedTypes)
	if !ok || d.Kind != options.KindSet {
		t.Fatalf("attachment.allowed-types: %+v", d)
	}
	cases := []struct{ raw, want, problem string }{
		{"png, pdf,PDF", "PDF,PNG", ""},
		{" mp4 ", "MP4", ""},
		{"PDF,,JPG,", "PDF,JPG", ""},
		{"PDF,GIF", "", `"GIF" is not one of`},
		{" , ", "", "name at least one of"},
	}
	for _, c := range cases {
		got, err := d.Validate(c.raw)
		if c.problem != "" {
			if err == nil || !strings.Contains(err.Error(), c.problem) {
				t.Errorf("Validate(%q) = %q, %v; want an error with %q", c.raw, got, err, c.problem)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Validate(%q) = %q, %v; want %q", c.raw, got, err, c.want)
		}
	}
	st, _ := openStore(t)
	set, err := options.Load(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Members(options.AttachmentAllowedTypes); len(got) != len(d.Members) {
		t.Errorf("default members %v", got)
	}
	if problems, err := set.Update(t.Context(), map[string]string{options.AttachmentAllowedTypes: "jpg,png"}, 0); err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if got := set.Members(options.AttachmentAllowedTypes); strings.Join(got, "+") != "JPG+PNG" {
		t.Errorf("members %v", got)
	}
}
