package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// streamReader reads Server-Sent Events from /events.
type streamReader struct {
	t       *testing.T
	scanner *bufio.Scanner
	cancel  context.CancelFunc
}

func (b *browser) openStream(t *testing.T, view string) *streamReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.h.server.URL+"/events?view="+view, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := *b.client
	client.Timeout = 0
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	scanner := bufio.NewScanner(res.Body)
	scanner.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	return &streamReader{t: t, scanner: scanner, cancel: cancel}
}

// next returns the event name and the joined data of the next event.
func (s *streamReader) next() (string, string) {
	s.t.Helper()
	done := make(chan struct{})
	timer := time.AfterFunc(10*time.Second, func() {
		select {
		case <-done:
		default:
			s.cancel()
		}
	})
	defer func() { close(done); timer.Stop() }()
	var name string
	var data []string
	for s.scanner.Scan() {
		line := s.scanner.Text()
		switch {
		case line == "" && (name != "" || len(data) > 0):
			return name, strings.Join(data, "\n")
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		}
	}
	s.t.Fatalf("event stream ended: %v", s.scanner.Err())
	return "", ""
}

// TestEventStreamStartsWithCurrentState: whatever happened while a tab was not connected is in the first
// event after (re)connecting, so a reconnect misses nothing; later changes follow as fragments.
func TestEventStreamStartsWithCurrentState(t *testing.T) {
	h := newHarness(t)
	agent := h.loggedIn(t, "ava", "agent")
	i := h.activeInteraction(t, agent, "wamid.stream.1", "447700900111")
	h.receive(t, "wamid.stream.2", "447700900111", "sent while the tab was away")

	stream := agent.openStream(t, "workspace")
	name, data := stream.next()
	if name != "update" {
		t.Fatalf("first event %q", name)
	}
	for _, want := range []string{`innerHTML:#presence-slot`, `innerHTML:#offers-slot`, `innerHTML:#bar-slot`, `innerHTML:#panes-slot`,
		"Hello, I need help with my order", "sent while the tab was away", fmt.Sprintf(`id="pane-%d"`, i.ID)} {
		if !strings.Contains(data, want) {
			t.Errorf("first event lacks %q", want)
		}
	}

	h.receive(t, "wamid.stream.3", "447700900111", "and <b>one</b> more")
	_, data = stream.next()
	if !strings.Contains(data, fmt.Sprintf(`beforeend:#messages-%d`, i.ID)) || !strings.Contains(data, "and &lt;b&gt;one&lt;/b&gt; more") {
		t.Errorf("new message event: %s", data)
	}
}

// TestSupervisorStreamFollowsPresence: the supervisor's stream re-renders the board when an agent goes Ready.
func TestSupervisorStreamFollowsPresence(t *testing.T) {
	h := newHarness(t)
	supervisor := h.loggedIn(t, "sue", "supervisor")
	agent := h.loggedIn(t, "ava", "agent")
	stream := supervisor.openStream(t, "supervisor")
	if _, data := stream.next(); !strings.Contains(data, "innerHTML:#board-slot") || !strings.Contains(data, `data-username="ava" data-ready="false"`) {
		t.Fatalf("first board event: %s", data)
	}
	if res := agent.htmx("/presence", map[string][]string{"ready": {"true"}}); res.status != http.StatusOK {
		t.Fatalf("presence = %d", res.status)
	}
	if _, data := stream.next(); !strings.Contains(data, `data-username="ava" data-ready="true"`) {
		t.Errorf("board after Ready: %s", data)
	}
}
