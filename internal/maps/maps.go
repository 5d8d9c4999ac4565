// Package maps makes the static map images of location previews. Images come only from the configured map
// provider, at an address built from the provider's template and validated coordinates, so no address a
// customer sent is ever fetched; fetches are bounded in size and time and cached.
package maps

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Providers offered by the settings page.
const (
	ProviderNone   = "none"
	ProviderBing   = "bing"
	ProviderGoogle = "google"
	ProviderYandex = "yandex"
	ProviderCustom = "custom"
)

// Templates of the static-image REST APIs; {lat} {lon} {zoom} {width} {height} {key} are filled in.
var templates = map[string]string{
	ProviderBing:   "https://dev.virtualearth.net/REST/v1/Imagery/Map/Road/{lat},{lon}/{zoom}?mapSize={width},{height}&pp={lat},{lon};66&key={key}",
	ProviderGoogle: "https://maps.googleapis.com/maps/api/staticmap?center={lat},{lon}&zoom={zoom}&size={width}x{height}&markers={lat},{lon}&key={key}",
	ProviderYandex: "https://static-maps.yandex.ru/1.x/?ll={lon},{lat}&z={zoom}&size={width},{height}&l=map&pt={lon},{lat},pm2rdm&apikey={key}",
}

// Settings are the location preview options in effect.
type Settings struct {
	Provider      string
	Key           string
	URLTemplate   string // for ProviderCustom
	Zoom          int
	Width, Height int
}

// Enabled reports whether previews fetch an image at all.
func (s Settings) Enabled() bool {
	return s.Provider != "" && s.Provider != ProviderNone && (s.Provider != ProviderCustom || s.URLTemplate != "")
}

// ErrCoordinates is returned for a latitude or longitude outside the globe.
var ErrCoordinates = errors.New("coordinates out of range")

// ValidCoordinates reports whether lat/lon are on the globe.
func ValidCoordinates(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && lat == lat && lon == lon
}

// ImageURL fills the provider's template for a point.
func (s Settings) ImageURL(lat, lon float64) (string, error) {
	if !ValidCoordinates(lat, lon) {
		return "", ErrCoordinates
	}
	template := templates[s.Provider]
	if s.Provider == ProviderCustom {
		template = s.URLTemplate
	}
	if template == "" {
		return "", errors.New("maps: no provider configured")
	}
	replacer := strings.NewReplacer(
		"{lat}", strconv.FormatFloat(lat, 'f', 6, 64),
		"{lon}", strconv.FormatFloat(lon, 'f', 6, 64),
		"{zoom}", strconv.Itoa(s.Zoom),
		"{width}", strconv.Itoa(s.Width),
		"{height}", strconv.Itoa(s.Height),
		"{key}", url.QueryEscape(s.Key),
	)
	filled := replacer.Replace(template)
	u, err := url.Parse(filled)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("maps: the map URL template does not make an http(s) address")
	}
	return filled, nil
}

// ValidateTemplate explains what is wrong with a custom provider template, or returns nil.
func ValidateTemplate(template string) error {
	if template == "" {
		return nil
	}
	if !strings.Contains(template, "{lat}") || !strings.Contains(template, "{lon}") {
		return errors.New("the template must contain {lat} and {lon}")
	}
	_, err := Settings{Provider: ProviderCustom, URLTemplate: template, Zoom: 15, Width: 400, Height: 200}.ImageURL(0, 0)
	return err
}

// PlaceURL is a page showing the point, for the link that opens in a new tab.
func (s Settings) PlaceURL(lat, lon float64) string {
	la, lo := strconv.FormatFloat(lat, 'f', 6, 64), strconv.FormatFloat(lon, 'f', 6, 64)
	switch s.Provider {
	case ProviderGoogle:
		return "https://www.google.com/maps/search/?api=1&query=" + la + "," + lo
	case ProviderBing:
		return "https://www.bing.com/maps?cp=" + la + "~" + lo + "&lvl=16&sp=point." + la + "_" + lo
	case ProviderYandex:
		return "https://yandex.com/maps/?pt=" + lo + "," + la + "&z=16"
	}
	return "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=16/" + la + "/" + lo
}

// Image is a fetched map picture.
type Image struct {
	Body        []byte
	ContentType string
}

// Limits of a fetch.
const (
	MaxImageBytes = 2 << 20
	FetchTimeout  = 5 * time.Second
	cacheEntries  = 500
	cacheTTL      = 24 * time.Hour
)

// Fetcher gets map images and keeps recent ones.
type Fetcher struct {
	HTTP  *http.Client
	mu    sync.Mutex
	order *list.List
	items map[string]*list.Element
}

type cached struct {
	key   string
	image Image
	at    time.Time
}

// NewFetcher returns a fetcher whose client never follows a redirect to another host.
func NewFetcher() *Fetcher {
	client := &http.Client{Timeout: FetchTimeout}
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 || req.URL.Host != via[0].URL.Host {
			return errors.New("maps: redirect away from the provider refused")
		}
		return nil
	}
	return &Fetcher{HTTP: client, order: list.New(), items: map[string]*list.Element{}}
}

// Fetch returns the image at address (built by ImageURL), from the cache when fresh.
func (f *Fetcher) Fetch(ctx context.Context, address string) (Image, error) {
	if image, ok := f.lookup(address); ok {
		return image, nil
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, address, nil)
	if err != nil {
		return Image{}, fmt.Errorf("maps: %w", err)
	}
	res, err := f.HTTP.Do(req)
	if err != nil {
		return Image{}, fmt.Errorf("maps: provider unreachable: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return Image{}, fmt.Errorf("maps: provider answered %s", res.Status)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxImageBytes+1))
	if err != nil {
		return Image{}, fmt.Errorf("maps: read image: %w", err)
	}
	if len(body) > MaxImageBytes {
		return Image{}, errors.New("maps: image larger than 2 MiB refused")
	}
	contentType := imageType(body)
	if contentType == "" {
		return Image{}, errors.New("maps: the provider did not send a PNG, JPEG, GIF or WebP image")
	}
	image := Image{Body: body, ContentType: contentType}
	f.store(address, image)
	return image, nil
}

// imageType recognises the raster formats map providers send, by content.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	case len(b) > 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return "image/webp"
	}
	return ""
}

func (f *Fetcher) lookup(key string) (Image, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	element, ok := f.items[key]
	if !ok {
		return Image{}, false
	}
	entry := element.Value.(*cached)
	if time.Since(entry.at) > cacheTTL {
		f.order.Remove(element)
		delete(f.items, key)
		return Image{}, false
	}
	f.order.MoveToFront(element)
	return entry.image, true
}

func (f *Fetcher) store(key string, image Image) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if element, ok := f.items[key]; ok {
		f.order.Remove(element)
	}
	f.items[key] = f.order.PushFront(&cached{key: key, image: image, at: time.Now()})
	for f.order.Len() > cacheEntries {
		oldest := f.order.Back()
		f.order.Remove(oldest)
		delete(f.items, oldest.Value.(*cached).key)
	}
}

// OfflineSVG is the tidy stand-in shown when the provider cannot be reached: a pin and the coordinates.
func OfflineSVG(lat, lon float64, width, height int) []byte {
	coordinates := fmt.Sprintf("%.5f, %.5f", lat, lon)
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+
		`<rect width="100%%" height="100%%" fill="#e8eef0"/>`+
		`<path d="M0 %d H%d M0 %d H%d M%d 0 V%d M%d 0 V%d" stroke="#cfdadd" stroke-width="2"/>`+
		`<g transform="translate(%d %d)"><path d="M0 0 C-14 -18 -14 -36 0 -36 C14 -36 14 -18 0 0 Z" fill="#d93025"/><circle cx="0" cy="-25" r="5" fill="#fff"/></g>`+
		`<text x="50%%" y="%d" text-anchor="middle" font-family="sans-serif" font-size="14" fill="#37474f">%s</text>`+
		`<text x="50%%" y="%d" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#607d8b">map unavailable</text></svg>`,
		width, height, width, height, height/3, width, 2*height/3, width, width/3, height, 2*width/3, height,
		width/2, height/2, height/2+24, coordinates, height/2+42))
}
