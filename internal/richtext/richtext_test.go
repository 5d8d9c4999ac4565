package richtext

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Segment
	}{
		{"plain", []Segment{{Text: "plain"}}},
		{"a *bold* word", []Segment{{Text: "a "}, {Text: "bold", Bold: true}, {Text: " word"}}},
		{"_it_ and ~gone~", []Segment{{Text: "it", Italic: true}, {Text: " and "}, {Text: "gone", Strike: true}}},
		{"*bold _both_*", []Segment{{Text: "bold ", Bold: true}, {Text: "both", Bold: true, Italic: true}}},
		{"```*not bold*```", []Segment{{Text: "*not bold*", Mono: true}}},
		{"2*3*4 stays", []Segment{{Text: "2*3*4 stays"}}},
		{"* not bold *", []Segment{{Text: "* not bold *"}}},
		{"snake_case_name", []Segment{{Text: "snake_case_name"}}},
		{"see https://example.com/a?b=1.", []Segment{{Text: "see "}, {Text: "https://example.com/a?b=1", Link: "https://example.com/a?b=1"}, {Text: "."}}},
		{"(https://en.wikipedia.org/wiki/Go_(language))", []Segment{{Text: "("}, {Text: "https://en.wikipedia.org/wiki/Go_(language)", Link: "https://en.wikipedia.org/wiki/Go_(language)"}, {Text: ")"}}},
		{"mail mailto:a@b.example or call tel:+441234567", []Segment{{Text: "mail "}, {Text: "mailto:a@b.example", Link: "mailto:a@b.example"}, {Text: " or call "}, {Text: "tel:+441234567", Link: "tel:+441234567"}}},
		{"www.example.com", []Segment{{Text: "www.example.com", Link: "https://www.example.com"}}},
		{"javascript:alert(1) ftp://x.example data:text/html,hi", []Segment{{Text: "javascript:alert(1) ftp://x.example data:text/html,hi"}}},
		{"*https://example.com*", []Segment{{Text: "*"}, {Text: "https://example.com", Link: "https://example.com"}, {Text: "*"}}},
	} {
		if got := Parse(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"*a* _b_ ~c~ ```d```", "https://x.example/(y)", "*_~```", "\xff*bad utf8*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var joined string
		for _, s := range Parse(text) {
			joined += s.Text
			if s.Link != "" {
				if ok := len(s.Link) > 4; !ok {
					t.Fatalf("odd link %q", s.Link)
				}
			}
		}
		if len(joined) > len(text) {
			t.Fatalf("segments longer than input: %q from %q", joined, text)
		}
	})
}
