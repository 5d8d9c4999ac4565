package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/outbox"
	"switchboard/store"
)

// heldAPI plays the media and messages endpoints and holds every request until the test answers it, so a
// test decides which sends and uploads are under way together. It notes the most requests it held at once,
// in all and for one recipient.
type heldAPI struct {
	t        testing.TB
	server   *httptest.Server
	arrived  chan *heldRequest
	aborted  chan string   // the recipient of each request whose client gave up waiting
	open     chan struct{} // closed once every request is to be answered at once
	openOnce sync.Once

	mu            sync.Mutex
	underWay      map[string]int
	total         int
	peak          int
	recipientPeak int
	sent          []string // "recipient text" of each send, as it arrived
}

// heldRequest is a request waiting for the test; closing answer lets it through.
type heldRequest struct {
	to     string // the recipient of a send, "upload" for an upload
	text   string
	answer chan struct{}
}

func newHeldAPI(t testing.TB) *heldAPI {
	api := &heldAPI{t: t, arrived: make(chan *heldRequest, 64), aborted: make(chan string, 64), open: make(chan struct{}),
		underWay: map[string]int{}}
	api.server = httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(api.server.Close)
	t.Cleanup(api.release) // runs first: the server waits for its handlers when it closes
	return api
}

func (api *heldAPI) serve(w http.ResponseWriter, r *http.Request) {
	request := &heldRequest{to: "upload", answer: make(chan struct{})}
	upload := r.URL.Path == "/v21.0/"+phoneNumberID+"/media"
	if upload {
		if _, header, err := r.FormFile("file"); err == nil {
			request.text = header.Filename
		}
	} else {
		var body struct {
			To   string
			Text struct{ Body string }
		}
		json.NewDecoder(r.Body).Decode(&body)
		request.to, request.text = body.To, body.Text.Body
	}
	n := api.enter(request, !upload)
	defer api.leave(request)
	select {
	case <-api.open:
	default:
		api.arrived <- request
		select {
		case <-request.answer:
		case <-api.open:
		case <-r.Context().Done():
			api.aborted <- request.to
			return
		}
	}
	if upload {
		io.WriteString(w, `{"id":"media-held"}`)
		return
	}
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.held.%d"}]}`, n)
}

// enter counts a request under way and returns how many sends came so far.
func (api *heldAPI) enter(request *heldRequest, send bool) int {
	api.mu.Lock()
	defer api.mu.Unlock()
	api.underWay[request.to]++
	api.total++
	api.peak = max(api.peak, api.total)
	api.recipientPeak = max(api.recipientPeak, api.underWay[request.to])
	if send {
		api.sent = append(api.sent, request.to+" "+request.text)
	}
	return len(api.sent)
}

func (api *heldAPI) leave(request *heldRequest) {
	api.mu.Lock()
	defer api.mu.Unlock()
	api.underWay[request.to]--
	api.total--
}

// next returns the next request to arrive.
func (api *heldAPI) next() *heldRequest {
	api.t.Helper()
	select {
	case request := <-api.arrived:
		return request
	case <-time.After(10 * time.Second):
		api.t.Fatal("no request reached the API")
		return nil
	}
}

// release answers every request, held or still to come, at once.
func (api *heldAPI) release() { api.openOnce.Do(func() { close(api.open) }) }

// waitForOutcome waits until the outcome of message id is published.
func waitForOutcome(t *testing.T, sub *events.Subscription, id int64) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-sub.C:
			if e.Kind == events.MessageChanged && e.MessageID == id {
				return
			}
		case <-timeout:
			t.Fatalf("no outcome recorded for message %d", id)
		}
	}
}

// run starts the worker's Run and returns what stops it and waits for it to return.
func (h *harness) run() (stop func()) {
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan struct{})
	go func() {
		h.worker.Run(ctx)
		close(done)
	}()
	return func() {
		cancel()
		<-done
	}
}

// TestSlowUploadDoesNotHoldUpOtherContacts: while one customer's file is still uploading, another customer's
// text goes out; the file's message follows once its upload ends.
func TestSlowUploadDoesNotHoldUpOtherContacts(t *testing.T) {
	api := newHeldAPI(t)
	h := newHarness(t, nil)
	files := h.withServer(api.server)
	sub := h.hub.Subscribe(events.UserTopic(h.agent))
	defer sub.Close()
	stop := h.run()
	defer stop()

	file := h.enqueueFile(files, "document", "catalogue.pdf", "application/pdf", "Our catalogue", mediatest.PDF(50_000))
	h.worker.Kick()
	upload := api.next()
	if upload.to != "upload" || upload.text != "catalogue.pdf" {
		t.Fatalf("first request: %+v, want the upload", upload)
	}

	other := h.addContact("16505550002")
	text := h.enqueueTo(other, "Your order has shipped")
	h.worker.Kick()
	send := api.next()
	if send.to != "16505550002" || send.text != "Your order has shipped" {
		t.Fatalf("request while the upload is held: %+v, want the other customer's text", send)
	}
	close(send.answer)
	waitForOutcome(t, sub, text)
	if m := h.message(text); m.Status != store.StatusSent {
		t.Errorf("text: %s, want sent while the upload is still held", m.Status)
	}
	if m := h.message(file); m.Status != store.StatusQueued || m.MediaID != "" {
		t.Errorf("file message: %s %q, want still queued and uploading", m.Status, m.MediaID)
	}

	close(upload.answer)
	send = api.next()
	if send.to != customer {
		t.Fatalf("request after the upload: %+v, want the file's send", send)
	}
	close(send.answer)
	waitForOutcome(t, sub, file)
	if m := h.message(file); m.Status != store.StatusSent || m.MediaID != "media-held" {
		t.Errorf("file message: %s %q, want sent by its media id", m.Status, m.MediaID)
	}
}

// TestEachContactsOrderHoldsThroughRetries: a message backing off after a transient failure keeps later
// messages to the same customer waiting, not those to others; once it goes, they follow in commit order.
func TestEachContactsOrderHoldsThroughRetries(t *testing.T) {
	api := newCloudAPI(t, serverError, accepted("wamid.1"), accepted("wamid.2"), accepted("wamid.3"))
	h := newHarness(t, api.client())
	first := h.enqueue("A")
	h.worker.Drain(h.ctx)
	if row := h.outboxRow(first); !row.present || row.attempts != 1 {
		t.Fatalf("after a 500: %+v, want a retry scheduled", row)
	}

	second := h.enqueue("B")
	other := h.enqueueTo(h.addContact("16505550002"), "C")
	h.worker.Drain(h.ctx)
	if got := strings.Join(api.sentBodies(), ","); got != "A,C" {
		t.Errorf("sent %s, want A,C: B must wait behind A", got)
	}
	if m := h.message(second); m.Status != store.StatusQueued {
		t.Errorf("B: %s, want queued", m.Status)
	}

	h.clock.Advance(outbox.Backoff(1))
	h.worker.Drain(h.ctx)
	if got := strings.Join(api.sentBodies(), ","); got != "A,C,A,B" {
		t.Errorf("sent %s, want A,C,A,B", got)
	}
	for _, id := range []int64{first, second, other} {
		if m := h.message(id); m.Status != store.StatusSent {
			t.Errorf("message %d: %s, want sent", id, m.Status)
		}
	}
}

// TestSendsAtOnceAreBoundedAndOnePerContact: no more than Concurrency requests are under way at once, never
// two to the same customer, each message goes once, and each customer gets theirs in commit order.
func TestSendsAtOnceAreBoundedAndOnePerContact(t *testing.T) {
	api := newHeldAPI(t)
	h := newHarness(t, nil)
	h.withServer(api.server)
	h.worker.Concurrency = 3
	const customers, each = 6, 3
	var inters []store.Interaction
	for c := range customers {
		inters = append(inters, h.addContact(fmt.Sprintf("165055501%02d", c)))
	}
	var ids []int64
	for k := range each {
		for c, i := range inters {
			ids = append(ids, h.enqueueTo(i, fmt.Sprintf("message %d to %d", k, c)))
		}
	}
	done := make(chan struct{})
	go func() {
		h.worker.Drain(h.ctx)
		close(done)
	}()

	// The first Concurrency requests are under way together, each to a different customer.
	seen := map[string]bool{}
	for range h.worker.Concurrency {
		seen[api.next().to] = true
	}
	if len(seen) != h.worker.Concurrency {
		t.Errorf("requests under way together went to %v, want %d different customers", seen, h.worker.Concurrency)
	}
	api.release()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Drain did not return")
	}

	api.mu.Lock()
	peak, recipientPeak, sent := api.peak, api.recipientPeak, append([]string(nil), api.sent...)
	api.mu.Unlock()
	if peak != h.worker.Concurrency || recipientPeak != 1 {
		t.Errorf("at most %d requests at once and %d to one customer, want %d and 1", peak, recipientPeak, h.worker.Concurrency)
	}
	if len(sent) != len(ids) {
		t.Errorf("%d sends for %d messages", len(sent), len(ids))
	}
	next := map[string]int{} // the message each customer should get next
	for _, s := range sent {
		to, text, _ := strings.Cut(s, " ")
		c := int(to[len(to)-1] - '0')
		if want := fmt.Sprintf("message %d to %d", next[to], c); text != want {
			t.Errorf("%s got %q, want %q", to, text, want)
		}
		next[to]++
	}
	for _, id := range ids {
		if m := h.message(id); m.Status != store.StatusSent {
			t.Errorf("message %d: %s, want sent", id, m.Status)
		}
	}
}

// TestRunStopsOnceSendsUnderWayAreRecorded: stopping Run mid-work abandons an upload, which runs again at the
// next start, and waits for a send already handed over, whose outcome is recorded.
func TestRunStopsOnceSendsUnderWayAreRecorded(t *testing.T) {
	api := newHeldAPI(t)
	h := newHarness(t, nil)
	files := h.withServer(api.server)
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan struct{})
	go func() {
		h.worker.Run(ctx)
		close(done)
	}()
	file := h.enqueueFile(files, "image", "photo.png", "image/png", "", mediatest.PNG(40, 40))
	text := h.enqueueTo(h.addContact("16505550002"), "Goodbye")
	h.worker.Kick()
	held := map[string]*heldRequest{}
	for range 2 {
		request := api.next()
		held[request.to] = request
	}
	if held["upload"] == nil || held["16505550002"] == nil {
		t.Fatalf("under way: %v, want the upload and the text", held)
	}

	cancel()
	select {
	case to := <-api.aborted:
		if to != "upload" {
			t.Errorf("abandoned request to %s, want the upload", to)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the upload was not abandoned")
	}
	// A Run that did not wait would have returned at once on cancel; give it ample time to show that.
	select {
	case <-done:
		t.Fatal("Run returned while a send was under way")
	case <-time.After(300 * time.Millisecond):
	}
	close(held["16505550002"].answer)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}

	if m := h.message(text); m.Status != store.StatusSent || m.WAMID == "" {
		t.Errorf("text: %s %q, want sent", m.Status, m.WAMID)
	}
	if row := h.outboxRow(text); row.present {
		t.Errorf("text's outbox row left: %+v", row)
	}
	if m := h.message(file); m.Status != store.StatusQueued || m.MediaID != "" {
		t.Errorf("file message: %s %q, want queued to upload again", m.Status, m.MediaID)
	}
	if row := h.outboxRow(file); !row.present || row.attempts != 0 || row.inFlightSince != 0 {
		t.Errorf("file's outbox row: %+v, want waiting, no attempt counted", row)
	}
}
