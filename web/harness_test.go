package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/crypto/bcrypt"

	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/inbound"
	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/internal/notify"
	"switchboard/internal/options"
	"switchboard/internal/outbox"
	"switchboard/internal/routing"
	"switchboard/internal/whatsapp"
	"switchboard/store"
	"switchboard/web"
)

const (
	testAppSecret     = "test-app-secret-for-webhooks"
	testVerifyToken   = "test-verify-token"
	testPassword      = "correct horse battery staple"
	testPhoneNumberID = "106540352242922"
	testDisplayNumber = "15550783881"
	csrfCookieName    = "switchboard_csrf"
	sessionCookieName = "switchboard"
)

// harness is a Switchboard wired exactly as cmd/switchboard start() wires it, on a fresh SQLite file, served
// by httptest. The routing and outbox loops do not run: tests call Route themselves, and nothing is sent.
type harness struct {
	store        *store.Store
	dbPath       string
	options      *options.Set
	hub          *events.Hub
	router       *routing.Router
	outbox       *outbox.Worker
	interactions *interaction.Service
	notify       *notify.Service
	media        *media.Files
	handler      http.Handler
	server       *httptest.Server
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "switchboard.db")
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	opts, err := options.Load(ctx, st)
	if err != nil {
		t.Fatalf("options.Load: %v", err)
	}
	if err := st.UpsertBusinessNumber(ctx, testPhoneNumberID, testDisplayNumber); err != nil {
		t.Fatalf("UpsertBusinessNumber: %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	now := time.Now
	hub := events.NewHub()
	// Nothing listens here: the outbox loop does not run in these tests, so no message is ever sent.
	client := &whatsapp.Client{BaseURL: "http://127.0.0.1:1", AccessToken: "test", HTTP: &http.Client{Timeout: time.Second}}
	router := routing.New(st, hub, opts, log, now)
	worker := outbox.New(st, hub, client, log, now)
	if err := worker.Recover(ctx); err != nil {
		t.Fatalf("outbox Recover: %v", err)
	}
	service := &interaction.Service{Store: st, Bus: hub, Options: opts, Router: router, Outbox: worker, Now: now}
	files, err := media.OpenFiles(filepath.Join(filepath.Dir(dbPath), "media"))
	if err != nil {
		t.Fatalf("media.OpenFiles: %v", err)
	}
	responses := &notify.Service{Store: st, Bus: hub, Options: opts, Outbox: worker, Files: files, Log: log, Now: now}
	intake := &inbound.Intake{Store: st, Bus: hub, Router: router, Log: log, Now: now}
	closing := make(chan struct{})
	handler := web.New(web.Deps{
		Store: st, Options: opts, Bus: hub, Interactions: service, Notify: responses, Intake: intake, Router: router, Media: files, Log: log, Now: now,
		AppSecret: []byte(testAppSecret), VerifyToken: testVerifyToken, CookieKey: []byte("0123456789abcdef0123456789abcdef"),
		SecureCookies: false, Simulator: nil, ShuttingDown: closing,
	})
	server := httptest.NewServer(handler)
	t.Cleanup(func() {
		close(closing)
		server.Close()
		st.Close()
	})
	return &harness{store: st, dbPath: dbPath, options: opts, hub: hub, router: router, outbox: worker,
		interactions: service, notify: responses, media: files, handler: handler, server: server}
}

// productionHash is testPassword hashed by auth.HashPassword, at the production bcrypt cost.
var productionHash = sync.OnceValues(func() (string, error) { return auth.HashPassword(testPassword) })

// fastHash is testPassword hashed at bcrypt's lowest cost. Checking a production-cost hash takes about 0.6 s
// under -race, once per login; verification works the same at any cost (the cost is part of the hash), so
// most test users get this one and TestLoginForm covers a hash made by auth.HashPassword.
var fastHash = sync.OnceValues(func() (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	return string(hash), err
})

// createUser adds an active user with testPassword.
func (h *harness) createUser(t testing.TB, username, role string) store.User {
	t.Helper()
	return h.createUserWithHash(t, username, role, fastHash)
}

// createUserWithHash adds an active user whose password hash comes from hash.
func (h *harness) createUserWithHash(t testing.TB, username, role string, hashFn func() (string, error)) store.User {
	t.Helper()
	hash, err := hashFn()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := h.store.CreateUser(ctx, store.User{Username: username, DisplayName: "Display " + username, PasswordHash: hash, Role: role, Active: true})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", username, err)
	}
	u, err := h.store.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// count returns the number of rows in table.
func (h *harness) count(t testing.TB, table string, where ...string) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := h.store.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// rowCounts are the tables a webhook may write to.
type rowCounts struct{ messages, contacts, interactions, quarantine, pending int }

func (h *harness) rowCounts(t testing.TB) rowCounts {
	t.Helper()
	return rowCounts{
		messages: h.count(t, "messages"), contacts: h.count(t, "contacts"), interactions: h.count(t, "interactions"),
		quarantine: h.count(t, "quarantine"), pending: h.count(t, "pending_statuses"),
	}
}

func (h *harness) interaction(t testing.TB, id int64) store.Interaction {
	t.Helper()
	i, err := h.store.InteractionByID(context.Background(), id)
	if err != nil {
		t.Fatalf("interaction %d: %v", id, err)
	}
	return i
}

// response is a read response with its body parsed as HTML.
type response struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
	cookie []*http.Cookie
}

func readResponse(t testing.TB, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body), doc: doc, cookie: res.Cookies()}
}

// testID finds elements by data-testid.
func (r response) testID(id string) *goquery.Selection {
	return r.doc.Find(`[data-testid="` + id + `"]`)
}

func (r response) text(id string) string { return strings.TrimSpace(r.testID(id).Text()) }

// browser is one browser: a cookie jar, no automatic redirects (tests look at the 303s themselves).
type browser struct {
	t      testing.TB
	h      *harness
	client *http.Client
	user   store.User
}

func (h *harness) newBrowser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, h: h, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

func (b *browser) url() *url.URL {
	u, err := url.Parse(b.h.server.URL)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// cookie returns the value of the named cookie in the jar, "" when there is none.
func (b *browser) cookie(name string) string {
	for _, c := range b.client.Jar.Cookies(b.url()) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the jar (replaying a copied session cookie).
func (b *browser) setCookie(name, value string) {
	b.client.Jar.SetCookies(b.url(), []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return readResponse(b.t, res)
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.h.server.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form as the page would, with the CSRF token the browser holds.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	values := url.Values{}
	for k, v := range form {
		values[k] = v
	}
	if token := b.cookie(csrfCookieName); token != "" && values.Get("_csrf") == "" {
		values.Set("_csrf", token)
	}
	return b.postRaw(path, values, nil)
}

// htmx posts as htmx does: the token in X-CSRF-Token (from the body's hx-headers) and HX-Request set.
func (b *browser) htmx(path string, form url.Values) response {
	b.t.Helper()
	return b.postRaw(path, form, map[string]string{"HX-Request": "true", "X-CSRF-Token": b.cookie(csrfCookieName)})
}

// postRaw posts exactly form and headers: no token is added.
func (b *browser) postRaw(path string, form url.Values, headers map[string]string) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.h.server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// submitLogin fills in the real login form: GET /login for the CSRF cookie and hidden field, then POST it.
func (b *browser) submitLogin(username, password string) response {
	b.t.Helper()
	page := b.get("/login")
	if page.status != http.StatusOK {
		b.t.Fatalf("GET /login = %d", page.status)
	}
	token, ok := page.doc.Find(`[data-testid="login-form"] input[name="_csrf"]`).Attr("value")
	if !ok || token == "" {
		b.t.Fatalf("login form has no _csrf field:\n%s", page.body)
	}
	return b.postRaw("/login", url.Values{"username": {username}, "password": {password}, "_csrf": {token}}, nil)
}

// login signs user in and fails the test unless it works.
func (b *browser) login(user store.User) *browser {
	b.t.Helper()
	res := b.submitLogin(user.Username, testPassword)
	if res.status != http.StatusSeeOther {
		b.t.Fatalf("login %s = %d, want 303:\n%s", user.Username, res.status, res.body)
	}
	if b.cookie(sessionCookieName) == "" {
		b.t.Fatalf("login %s set no session cookie", user.Username)
	}
	b.user = user
	return b
}

// loggedIn creates a user with role and returns a browser signed in as them.
func (h *harness) loggedIn(t testing.TB, username, role string) *browser {
	t.Helper()
	return h.newBrowser(t).login(h.createUser(t, username, role))
}

// ---- Webhooks ----

// webhookResult is the answer to a webhook post.
type webhookResult struct {
	status int
	header http.Header
	body   string
}

// postWebhook posts body with the given X-Hub-Signature-256 header (none when signature is "").
func (h *harness) postWebhook(t testing.TB, body []byte, signature string) webhookResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.server.URL+"/webhooks/whatsapp", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(whatsapp.SignatureHeaderName, signature)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST webhook: %v", err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	return webhookResult{status: res.StatusCode, header: res.Header, body: string(got)}
}

// postSigned posts body signed with the app secret, as Meta does.
func (h *harness) postSigned(t testing.TB, body []byte) webhookResult {
	t.Helper()
	return h.postWebhook(t, body, sign(body))
}

func sign(body []byte) string { return whatsapp.SignatureHeader([]byte(testAppSecret), body) }

// customer is a WhatsApp user as the webhook's contacts array names them.
type customer struct{ waID, name string }

// change is one changes[] item of the messages field.
type change struct {
	phoneNumberID string
	contacts      []customer
	messages      []string // raw JSON message objects
	statuses      []string // raw JSON status objects
}

// webhookBody builds a Cloud API webhook: one entry per argument, each with its changes.
func webhookBody(entries ...[]change) []byte {
	var out strings.Builder
	out.WriteString(`{"object":"whatsapp_business_account","entry":[`)
	for e, changes := range entries {
		if e > 0 {
			out.WriteString(",")
		}
		fmt.Fprintf(&out, `{"id":"10229012934039%d","changes":[`, e)
		for c, ch := range changes {
			if c > 0 {
				out.WriteString(",")
			}
			value := map[string]any{
				"messaging_product": "whatsapp",
				"metadata":          map[string]string{"display_phone_number": "1555" + ch.phoneNumberID, "phone_number_id": ch.phoneNumberID},
			}
			if len(ch.contacts) > 0 {
				var contacts []map[string]any
				for _, cu := range ch.contacts {
					contacts = append(contacts, map[string]any{"profile": map[string]string{"name": cu.name}, "wa_id": cu.waID})
				}
				value["contacts"] = contacts
			}
			if len(ch.messages) > 0 {
				value["messages"] = rawList(ch.messages)
			}
			if len(ch.statuses) > 0 {
				value["statuses"] = rawList(ch.statuses)
			}
			encoded, err := json.Marshal(map[string]any{"value": value, "field": "messages"})
			if err != nil {
				panic(err)
			}
			out.Write(encoded)
		}
		out.WriteString("]}")
	}
	out.WriteString("]}")
	return []byte(out.String())
}

func rawList(items []string) []json.RawMessage {
	list := make([]json.RawMessage, len(items))
	for i, item := range items {
		list[i] = json.RawMessage(item)
	}
	return list
}

func mustJSON(value any) string {
	encoded, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	return string(encoded)
}

func unixString(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// textMessage is a customer's text message object.
func textMessage(wamid, from, body string) string {
	return mustJSON(map[string]any{
		"from": from, "id": wamid, "timestamp": unixString(time.Now()), "type": "text", "text": map[string]string{"body": body},
	})
}

// statusUpdate is a delivery receipt for an outbound message.
func statusUpdate(wamid, status, recipient string, at time.Time) string {
	return mustJSON(map[string]any{
		"id": wamid, "status": status, "timestamp": unixString(at), "recipient_id": recipient,
		"conversation": map[string]any{"id": "CONVERSATION_ID", "origin": map[string]string{"type": "service"}},
		"pricing":      map[string]any{"billable": true, "pricing_model": "PMP", "category": "service"},
	})
}

// textWebhook is a single text message from one customer to the test number.
func textWebhook(wamid, from, name, body string) []byte {
	return webhookBody([]change{{
		phoneNumberID: testPhoneNumberID,
		contacts:      []customer{{waID: from, name: name}},
		messages:      []string{textMessage(wamid, from, body)},
	}})
}

// statusWebhook carries delivery receipts for the test number.
func statusWebhook(statuses ...string) []byte {
	return webhookBody([]change{{phoneNumberID: testPhoneNumberID, statuses: statuses}})
}

// ---- Interactions ----

// receive posts a customer's text message and returns the interaction it was filed under.
func (h *harness) receive(t testing.TB, wamid, from, text string) store.Interaction {
	t.Helper()
	if res := h.postSigned(t, textWebhook(wamid, from, "Customer "+from, text)); res.status != http.StatusOK {
		t.Fatalf("webhook = %d %s", res.status, res.body)
	}
	m, err := h.store.MessageByWAMID(context.Background(), wamid)
	if err != nil {
		t.Fatalf("message %s not stored: %v", wamid, err)
	}
	return h.interaction(t, m.InteractionID)
}

// offerTo makes agent Ready through the workspace switch and runs one routing pass, so the waiting
// interaction is offered to them; it then makes them Not Ready again so later interactions stay queued.
func (h *harness) offerTo(t testing.TB, agent *browser, interactionID int64) {
	t.Helper()
	if res := agent.htmx("/presence", url.Values{"ready": {"true"}}); res.status != http.StatusOK {
		t.Fatalf("presence = %d %s", res.status, res.body)
	}
	if err := h.router.Route(context.Background()); err != nil {
		t.Fatalf("Route: %v", err)
	}
	if res := agent.htmx("/presence", url.Values{"ready": {"false"}}); res.status != http.StatusOK {
		t.Fatalf("presence = %d %s", res.status, res.body)
	}
	if i := h.interaction(t, interactionID); i.State != store.StateOffered || i.AgentID != agent.user.ID {
		t.Fatalf("interaction %d is %s with agent %d, want offered to %d", interactionID, i.State, i.AgentID, agent.user.ID)
	}
}

// activeInteraction has a customer write in, offers the interaction to agent and accepts it through the
// workspace, returning the active interaction.
func (h *harness) activeInteraction(t testing.TB, agent *browser, wamid, from string) store.Interaction {
	t.Helper()
	i := h.receive(t, wamid, from, "Hello, I need help with my order")
	h.offerTo(t, agent, i.ID)
	res := agent.htmx(fmt.Sprintf("/interactions/%d/accept", i.ID), nil)
	if res.status != http.StatusOK {
		t.Fatalf("accept = %d %s", res.status, res.body)
	}
	i = h.interaction(t, i.ID)
	if i.State != store.StateActive {
		t.Fatalf("after accept interaction is %s", i.State)
	}
	return i
}
