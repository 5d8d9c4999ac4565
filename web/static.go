package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"switchboard/static"
)

// staticFiles serves the embedded assets. They change only with a new binary, so browsers may cache them
// for an hour and revalidate after.
func staticFiles() echo.HandlerFunc {
	files := http.StripPrefix("/static/", http.FileServer(http.FS(static.Files)))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

func (s *Server) healthShow(c echo.Context) error {
	if err := s.Store.DB().PingContext(c.Request().Context()); err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}
