package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"switchboard/internal/options"
)

// themeOptions are the admin's look options, in the order the theme stylesheet uses them.
var themeOptions = []string{options.TextSize, options.CustomerColor, options.AgentColor, options.NoticeColor, options.BackgroundColor, options.TextColor}

// themeVersion changes whenever a look option changes, so pages link a stylesheet browsers have not cached.
func (s *Server) themeVersion() string {
	h := sha256.New()
	for _, name := range themeOptions {
		h.Write([]byte(s.Options.Raw(name) + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// themeStylesheet turns the look options into CSS custom properties. A stylesheet rather than inline styles
// keeps the CSP strict, and every fragment — including those the event stream pushes — picks the values up.
func (s *Server) themeStylesheet(c echo.Context) error {
	var b strings.Builder
	// Values are validated by internal/options (#rrggbb colours, bounded integers), so they cannot break out.
	fmt.Fprintf(&b, ":root {\n  --text-size: %dpx;\n  --customer-bubble: %s;\n  --agent-bubble: %s;\n  --notice-bg: %s;\n  --transcript-bg: %s;\n  --message-text: %s;\n}\n",
		s.Options.Int(options.TextSize), s.Options.Raw(options.CustomerColor), s.Options.Raw(options.AgentColor),
		s.Options.Raw(options.NoticeColor), s.Options.Raw(options.BackgroundColor), s.Options.Raw(options.TextColor))
	if c.QueryParam("v") == s.themeVersion() {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(b.String()))
}

// themeUpdate switches the signed-in person's high-contrast theme on or off.
func (s *Server) themeUpdate(c echo.Context) error {
	on := c.FormValue("high_contrast") == "true"
	if err := s.Store.SetHighContrast(c.Request().Context(), currentUser(c).ID, on); err != nil {
		return err
	}
	back := "/"
	if referer := c.Request().Referer(); referer != "" {
		if i := strings.Index(referer, "://"); i >= 0 {
			if j := strings.Index(referer[i+3:], "/"); j >= 0 {
				back = safeNext(referer[i+3+j:])
			}
		}
	}
	return c.Redirect(http.StatusSeeOther, back)
}
