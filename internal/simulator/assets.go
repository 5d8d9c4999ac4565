package simulator

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

//go:embed assets
var assetFiles embed.FS

// assets is the phone page's stylesheet and script, served under /assets/.
var assets, _ = fs.Sub(assetFiles, "assets")

// assetServe is GET /assets/*.
func (s *Simulator) assetServe(c echo.Context) error {
	name := c.Param("*")
	if !fs.ValidPath(name) || name == "." {
		return echo.NewHTTPError(http.StatusNotFound, "no such asset")
	}
	if _, err := fs.Stat(assets, name); err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "no such asset")
	}
	// Small files that change with the binary: revalidating each time is cheap and
	// avoids stale scripts after an upgrade.
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(c.Response(), c.Request(), assets, name)
	return nil
}
