package maps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestImageURL(t *testing.T) {
	s := Settings{Provider: ProviderGoogle, Key: "k&y", Zoom: 15, Width: 400, Height: 200}
	got, err := s.ImageURL(51.5, -0.12)
	if err != nil || got != "https://maps.googleapis.com/maps/api/staticmap?center=51.500000,-0.120000&zoom=15&size=400x200&markers=51.500000,-0.120000&key=k%26y" {
		t.Errorf("google = %q %v", got, err)
	}
	if _, err := s.ImageURL(91, 0); err == nil {
		t.Error("latitude 91 accepted")
	}
	custom := Settings{Provider: ProviderCustom, URLTemplate: "http://127.0.0.1:9/map?c={lat},{lon}&z={zoom}&s={width}x{height}", Zoom: 3, Width: 10, Height: 20}
	if got, _ := custom.ImageURL(1, 2); got != "http://127.0.0.1:9/map?c=1.000000,2.000000&z=3&s=10x20" {
		t.Errorf("custom = %q", got)
	}
	if err := ValidateTemplate("javascript:{lat}{lon}"); err == nil {
		t.Error("javascript template accepted")
	}
	if err := ValidateTemplate("https://x.example/map"); err == nil {
		t.Error("template without coordinates accepted")
	}
}

func TestFetchCachesAndRefusesNonImages(t *testing.T) {
	var hits atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.Contains(r.URL.RawQuery, "html") {
			w.Write([]byte("<html>not an image</html>"))
			return
		}
		w.Write([]byte("\x89PNG\r\n\x1a\nrest"))
	}))
	defer server.Close()
	f := NewFetcher()
	for i := 0; i < 3; i++ {
		image, err := f.Fetch(context.Background(), server.URL+"/map?a=1")
		if err != nil || image.ContentType != "image/png" {
			t.Fatalf("fetch = %v %v", image.ContentType, err)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("provider hit %d times, want 1 (cached)", hits.Load())
	}
	if _, err := f.Fetch(context.Background(), server.URL+"/map?html=1"); err == nil {
		t.Error("HTML accepted as a map image")
	}
	if _, err := f.Fetch(context.Background(), "http://127.0.0.1:1/unreachable"); err == nil {
		t.Error("unreachable provider gave no error")
	}
}
