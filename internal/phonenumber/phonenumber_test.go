package phonenumber

import "testing"

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"+44 7700 900123", "447700900123"},
		{"447700900123", "447700900123"},
		{"0044-7700-900-123", "447700900123"},
		{"+1 (555) 010.0001", "15550100001"},
		{"00 49 151 1234 5678", "4915112345678"},
	} {
		got, err := Normalize(c.in)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "abc", "+44 77a", "12345", "1234567890123456", "44+77"} {
		if got, err := Normalize(bad); err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", bad, got)
		}
	}
}
