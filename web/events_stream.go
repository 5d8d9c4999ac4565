package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/store"
)

// heartbeatInterval keeps proxies from closing an idle stream and notices a revoked session.
const heartbeatInterval = 20 * time.Second

// eventsStream is the tab's one Server-Sent Events stream. It first sends the current state, then one
// "update" event of out-of-band HTML fragments per change. When the subscription falls behind or the
// connection drops, the browser reconnects and gets the current state again, so nothing is missed.
func (s *Server) eventsStream(c echo.Context) error {
	user := currentUser(c)
	sessionID := currentSessionID(c)
	supervisorView := c.QueryParam("view") == "supervisor" && auth.CanSupervise(user.Role)
	vc, err := s.viewContext(c)
	if err != nil {
		return err
	}
	fragments := s.workspaceFragments
	if supervisorView {
		fragments = s.supervisorFragments
	}

	own := s.Bus.Subscribe(events.UserTopic(user.ID))
	defer own.Close()
	shared := make(<-chan events.Event) // never ready unless this is a supervisor view
	if supervisorView {
		subscription := s.Bus.Subscribe(events.SupervisorTopic)
		defer subscription.Close()
		shared = subscription.C
	}

	w := c.Response()
	// The server's write timeout must not cut a stream that is meant to stay open.
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	ctx := c.Request().Context()
	send := func(e events.Event) error {
		component, err := fragments(ctx, vc, user, e)
		if err != nil || component == nil {
			return err
		}
		return writeEvent(ctx, w, "update", component)
	}
	if err := send(events.Event{Kind: syncEvent}); err != nil {
		return s.streamEnded(ctx, err)
	}
	heartbeat := time.NewTicker(heartbeatInterval)
	defer heartbeat.Stop()
	for {
		var e events.Event
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case <-s.ShuttingDown:
			return nil
		case <-heartbeat.C:
			if _, _, err := s.Store.SessionUser(ctx, sessionID, s.Now().UnixMilli()); errors.Is(err, store.ErrNotFound) {
				_, _ = w.Write([]byte("event: signedout\ndata: /login\n\n"))
				w.Flush()
				return nil
			}
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return nil
			}
			w.Flush()
			continue
		case e, ok = <-own.C:
		case e, ok = <-shared:
		}
		if !ok {
			return nil // cut off for falling behind: the browser reconnects and re-syncs
		}
		if e.Kind == events.SessionInvalidated {
			// Some of the user's sessions ended (password change, deactivation); this one may live on.
			if _, _, err := s.Store.SessionUser(ctx, sessionID, s.Now().UnixMilli()); errors.Is(err, store.ErrNotFound) {
				_, _ = w.Write([]byte("event: signedout\ndata: /login\n\n"))
				w.Flush()
				return nil
			}
			continue
		}
		if err := send(e); err != nil {
			return s.streamEnded(ctx, err)
		}
	}
}

func (s *Server) streamEnded(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		s.Log.Warn("event stream ended", "err", err)
	}
	return nil
}

// writeEvent renders component as one SSE event; every line of the HTML becomes a data line.
func writeEvent(ctx context.Context, w *echo.Response, name string, component templ.Component) error {
	var html bytes.Buffer
	if err := component.Render(ctx, &html); err != nil {
		return err
	}
	var out bytes.Buffer
	out.WriteString("event: " + name + "\n")
	scanner := bufio.NewScanner(&html)
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for scanner.Scan() {
		out.WriteString("data: ")
		out.Write(scanner.Bytes())
		out.WriteByte('\n')
	}
	out.WriteByte('\n')
	if _, err := w.Write(out.Bytes()); err != nil {
		return err
	}
	w.Flush()
	return nil
}
