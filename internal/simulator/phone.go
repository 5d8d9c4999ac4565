package simulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

const (
	maxCustomerName = 100
	// maxCustomerText is WhatsApp's own limit on what a person can type.
	maxCustomerText = 65536
	// heartbeatInterval keeps idle event streams from being closed by proxies.
	heartbeatInterval = 20 * time.Second
)

// render writes a templ component as an HTML response.
func render(c echo.Context, status int, component templ.Component) error {
	var buffer bytes.Buffer
	if err := component.Render(c.Request().Context(), &buffer); err != nil {
		return fmt.Errorf("simulator: render: %w", err)
	}
	return c.HTMLBlob(status, buffer.Bytes())
}

func isHTMX(c echo.Context) bool {
	return c.Request().Header.Get("HX-Request") == "true"
}

// phoneIndexShow is GET /phone: pick a customer or create one.
func (s *Simulator) phoneIndexShow(c echo.Context) error {
	return render(c, http.StatusOK, phoneIndexPage(s.phoneIndexView(phoneCustomerForm{})))
}

func (s *Simulator) phoneIndexView(form phoneCustomerForm) phoneIndexView {
	s.mu.Lock()
	customers := s.state.customerList()
	s.mu.Unlock()
	view := phoneIndexView{AssetsPath: s.assetsPath(), CreateURL: s.phonePath("customers"), Form: form}
	for _, person := range customers {
		view.Customers = append(view.Customers, phoneCustomerView{
			WAID: person.WAID,
			Name: person.displayName(),
			URL:  s.chatURL(person.WAID, ""),
		})
	}
	for i, number := range s.config.Numbers {
		selected := number.PhoneNumberID == form.PhoneNumberID || (form.PhoneNumberID == "" && i == 0)
		view.Numbers = append(view.Numbers, phoneNumberOption{
			PhoneNumberID: number.PhoneNumberID,
			DisplayNumber: number.DisplayNumber,
			Selected:      selected,
		})
	}
	return view
}

// phoneCustomerCreate is POST /phone/customers: start playing a (possibly new) customer.
func (s *Simulator) phoneCustomerCreate(c echo.Context) error {
	form := phoneCustomerForm{
		Number:        strings.TrimSpace(c.FormValue("wa_id")),
		Name:          strings.TrimSpace(c.FormValue("name")),
		PhoneNumberID: c.FormValue("phone_number_id"),
	}
	waID := digitsOnly(form.Number)
	if form.PhoneNumberID == "" {
		if first, ok := s.defaultNumber(); ok {
			form.PhoneNumberID = first.PhoneNumberID
		}
	}
	switch {
	case !isWAID(waID) || strings.Trim(form.Number, "+0123456789 -()") != "":
		form.Error = "Enter the phone number in international format: 5 to 15 digits, e.g. 447700900123."
	case utf8.RuneCountInString(form.Name) > maxCustomerName:
		form.Error = fmt.Sprintf("The name can be at most %d characters.", maxCustomerName)
	default:
		if _, ok := s.number(form.PhoneNumberID); !ok {
			form.Error = "Choose one of the business numbers."
		}
	}
	if form.Error != "" {
		return render(c, http.StatusUnprocessableEntity, phoneIndexPage(s.phoneIndexView(form)))
	}
	s.mu.Lock()
	person := s.state.ensureCustomer(waID, form.Name, form.PhoneNumberID, time.Now())
	person.PhoneNumberID = form.PhoneNumberID
	s.mu.Unlock()
	return c.Redirect(http.StatusSeeOther, s.chatURL(waID, form.PhoneNumberID))
}

// chatNumber picks the business number a chat page is about: the one asked for,
// else the customer's usual one, else the first.
func (s *Simulator) chatNumber(waID, requested string) (BusinessNumber, bool) {
	if number, ok := s.number(requested); ok {
		return number, true
	}
	s.mu.Lock()
	person, known := s.state.customers[waID]
	usual := ""
	if known {
		usual = person.PhoneNumberID
	}
	s.mu.Unlock()
	if number, ok := s.number(usual); ok {
		return number, true
	}
	return s.defaultNumber()
}

// phoneChatShow is GET /phone/:wa_id: the phone screen.
func (s *Simulator) phoneChatShow(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	number, ok := s.chatNumber(waID, c.QueryParam("number"))
	if !ok {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator has no business numbers configured")
	}
	return render(c, http.StatusOK, phoneChatPage(s.phoneChatView(waID, number, "", "")))
}

func (s *Simulator) phoneChatView(waID string, number BusinessNumber, draft, problem string) phoneChatView {
	s.mu.Lock()
	name := "+" + waID
	if person, ok := s.state.customers[waID]; ok {
		name = person.displayName()
	}
	bubbles := s.bubblesLocked(s.state.thread(waID, number.PhoneNumberID))
	s.mu.Unlock()

	view := phoneChatView{
		AssetsPath:    s.assetsPath(),
		BackURL:       s.phonePath(),
		WAID:          waID,
		CustomerName:  name,
		BusinessName:  number.DisplayNumber,
		PhoneNumberID: number.PhoneNumberID,
		PostURL:       s.phonePath(waID, "messages"),
		ShareURL:      s.phonePath(waID, "share"),
		MediaURL:      s.phonePath(waID, "media"),
		ReadURL:       s.phonePath(waID, "read"),
		EventsURL:     s.phonePath(waID, "events") + "?number=" + url.QueryEscape(number.PhoneNumberID),
		Bubbles:       bubbles,
		Draft:         draft,
		Error:         problem,
	}
	for _, other := range s.config.Numbers {
		if other.PhoneNumberID != number.PhoneNumberID {
			view.OtherNumbers = append(view.OtherNumbers, phoneNumberLink{
				Label: other.DisplayNumber,
				URL:   s.chatURL(waID, other.PhoneNumberID),
			})
		}
	}
	return view
}

// phoneMessageCreate is POST /phone/:wa_id/messages: the composer. htmx gets the new
// bubble to append; a plain form post is redirected back to the chat.
func (s *Simulator) phoneMessageCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	number, ok := s.chatNumber(waID, c.FormValue("phone_number_id"))
	if !ok {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator has no business numbers configured")
	}
	text := c.FormValue("text")
	problem := ""
	switch {
	case strings.TrimSpace(text) == "":
		problem = "Type a message first."
	case utf8.RuneCountInString(text) > maxCustomerText:
		problem = fmt.Sprintf("A message can be at most %d characters.", maxCustomerText)
	}
	if problem != "" {
		if isHTMX(c) {
			return c.String(http.StatusUnprocessableEntity, problem)
		}
		return render(c, http.StatusUnprocessableEntity, phoneChatPage(s.phoneChatView(waID, number, text, problem)))
	}
	input := textInput(waID, "", number.PhoneNumberID, text)
	input.ReplyTo = c.FormValue("reply_to")
	return s.sendFromPhone(c, input)
}

// sendFromPhone delivers what the customer did on the phone page as a signed webhook and answers the page:
// the new bubble for htmx, otherwise back to the chat.
func (s *Simulator) sendFromPhone(c echo.Context, input customerMessageInput) error {
	stored, _, err := s.receiveFromCustomer(input)
	if errors.Is(err, errClosed) {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator is shutting down")
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, s.chatURL(input.WAID, input.PhoneNumberID))
	}
	return render(c, http.StatusOK, phoneBubble(s.bubbleFor(stored)))
}

// phoneMessagesRead is POST /phone/:wa_id/read, sent by the page while it is visible.
func (s *Simulator) phoneMessagesRead(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	s.markRead(waID, c.FormValue("phone_number_id"))
	return c.NoContent(http.StatusNoContent)
}

// subscribe registers a phone page for new messages of a customer and returns, taken
// atomically with the registration, what is already there, so nothing falls in between.
func (s *Simulator) subscribe(waID, phoneNumberID string) (*phoneSubscriber, []message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	subscriber := &phoneSubscriber{updates: make(chan message, 64)}
	if s.state.subscribers[waID] == nil {
		s.state.subscribers[waID] = map[*phoneSubscriber]struct{}{}
	}
	s.state.subscribers[waID][subscriber] = struct{}{}
	return subscriber, s.state.thread(waID, phoneNumberID)
}

func (s *Simulator) unsubscribe(waID string, subscriber *phoneSubscriber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.state.subscribers[waID], subscriber)
	if len(s.state.subscribers[waID]) == 0 {
		delete(s.state.subscribers, waID)
	}
}

// publishLocked hands a message that just became visible to the customer's open
// pages. A page too slow to keep up is cut off: its browser reconnects and the
// stream starts over with the whole chat. The caller must hold s.mu.
func (s *Simulator) publishLocked(m message) {
	for subscriber := range s.state.subscribers[m.WAID] {
		select {
		case subscriber.updates <- m:
		default:
			close(subscriber.updates)
			delete(s.state.subscribers[m.WAID], subscriber)
		}
	}
}

// phoneEventsStream is GET /phone/:wa_id/events: Server-Sent Events, each a bubble
// fragment. Every (re)connection starts with the whole chat; the page drops bubbles
// it already shows, so a reconnect never loses or duplicates a message.
func (s *Simulator) phoneEventsStream(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	number, ok := s.chatNumber(waID, c.QueryParam("number"))
	if !ok {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator has no business numbers configured")
	}
	subscriber, existing := s.subscribe(waID, number.PhoneNumberID)
	defer s.unsubscribe(waID, subscriber)

	response := c.Response()
	// A stream outlives the server's WriteTimeout by design; lift it for this response.
	// Servers without deadlines (tests) report "not supported", which is fine.
	_ = http.NewResponseController(response).SetWriteDeadline(time.Time{})
	response.Header().Set("Content-Type", "text/event-stream")
	response.Header().Set("Cache-Control", "no-cache")
	response.Header().Set("X-Accel-Buffering", "no")
	response.WriteHeader(http.StatusOK)
	ctx := c.Request().Context()

	if _, err := fmt.Fprint(response, "retry: 2000\n\n"); err != nil {
		return nil
	}
	for _, m := range existing {
		if err := s.writeBubbleEvent(ctx, response, m, number.PhoneNumberID); err != nil {
			return nil
		}
	}
	response.Flush()

	heartbeat := time.NewTicker(heartbeatInterval)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.closing:
			return nil
		case <-heartbeat.C:
			if _, err := fmt.Fprint(response, ": keep-alive\n\n"); err != nil {
				return nil
			}
		case m, open := <-subscriber.updates:
			if !open {
				return nil
			}
			if err := s.writeBubbleEvent(ctx, response, m, number.PhoneNumberID); err != nil {
				return nil
			}
		}
		response.Flush()
	}
}

// writeBubbleEvent writes one "bubble" event if the message belongs on this page.
func (s *Simulator) writeBubbleEvent(ctx context.Context, response *echo.Response, m message, phoneNumberID string) error {
	if m.PhoneNumberID != phoneNumberID || !m.visibleOnPhone() {
		return nil
	}
	var fragment bytes.Buffer
	if err := phoneBubble(s.bubbleFor(m)).Render(ctx, &fragment); err != nil {
		return fmt.Errorf("simulator: render bubble: %w", err)
	}
	var event strings.Builder
	event.WriteString("event: bubble\n")
	for _, line := range strings.Split(fragment.String(), "\n") {
		event.WriteString("data: ")
		event.WriteString(strings.TrimSuffix(line, "\r"))
		event.WriteString("\n")
	}
	event.WriteString("\n")
	if _, err := response.Write([]byte(event.String())); err != nil {
		return fmt.Errorf("simulator: write event: %w", err)
	}
	return nil
}
