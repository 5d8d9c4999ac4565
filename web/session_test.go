package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"switchboard/internal/auth"
	"switchboard/store"
)

// sessionIDs lists the stored session ids of user.
func (h *harness) sessionIDs(t testing.TB, userID int64) []string {
	t.Helper()
	rows, err := h.store.DB().Query(`SELECT id FROM sessions WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// signedOut checks that b is sent to the login page, as a navigation and as an htmx request.
func signedOut(t *testing.T, b *browser) {
	t.Helper()
	res := b.get("/")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
		t.Errorf("GET / = %d to %q, want 303 to /login", res.status, res.header.Get("Location"))
	}
	res = b.htmx("/presence", url.Values{"ready": {"true"}})
	if res.status != http.StatusUnauthorized || res.header.Get("HX-Redirect") != "/login" {
		t.Errorf("htmx POST /presence = %d (HX-Redirect %q), want 401 to /login", res.status, res.header.Get("HX-Redirect"))
	}
}

func signedIn(t *testing.T, b *browser) {
	t.Helper()
	if res := b.get("/"); res.status != http.StatusOK || res.testID("workspace").Length() != 1 {
		t.Errorf("GET / = %d, want the workspace", res.status)
	}
}

func TestLoginForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.createUserWithHash(t, "alice", auth.RoleAgent, productionHash)
	tests := []struct {
		name, username, password string
		wantError                string
	}{
		{"wrong password", "alice", "not the password", "Wrong username or password."},
		{"unknown user", "mallory", testPassword, "Wrong username or password."},
		{"empty password", "alice", "", "Enter your username and password."},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			b := h.newBrowser(t)
			res := b.submitLogin(test.username, test.password)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", res.status)
			}
			if got := res.text("login-error"); got != test.wantError {
				t.Errorf("error = %q, want %q", got, test.wantError)
			}
			if got, _ := res.testID("login-username").Attr("value"); got != test.username {
				t.Errorf("username field = %q, want what was typed, %q", got, test.username)
			}
			if got, _ := res.testID("login-password").Attr("value"); got != "" {
				t.Errorf("password was sent back in the form: %q", got)
			}
			if b.cookie(sessionCookieName) != "" {
				t.Error("a refused login set a session cookie")
			}
			signedOut(t, b)
		})
	}
	if got := len(h.sessionIDs(t, user.ID)); got != 0 {
		t.Fatalf("refused logins created %d sessions", got)
	}

	b := h.newBrowser(t)
	res := b.submitLogin("alice", testPassword)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		t.Fatalf("login = %d to %q, want 303 to /", res.status, res.header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range res.cookie {
		if c.Name == sessionCookieName {
			session = c
		}
	}
	if session == nil {
		t.Fatal("login set no session cookie")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie HttpOnly=%v SameSite=%v, want HttpOnly and Lax", session.HttpOnly, session.SameSite)
	}
	signedIn(t, b)
}

func TestLoginRotatesSessionAndLogoutRevokes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.createUser(t, "alice", auth.RoleAgent)
	b := h.newBrowser(t).login(user)
	first := h.sessionIDs(t, user.ID)
	firstCookie := b.cookie(sessionCookieName)
	if len(first) != 1 {
		t.Fatalf("sessions after login = %v", first)
	}

	// Logging in again on the same browser (the form posted from a tab opened before) replaces the session
	// rather than adding one.
	if res := b.post("/login", url.Values{"username": {user.Username}, "password": {testPassword}}); res.status != http.StatusSeeOther {
		t.Fatalf("second login = %d", res.status)
	}
	second := h.sessionIDs(t, user.ID)
	if len(second) != 1 || second[0] == first[0] {
		t.Fatalf("sessions after second login = %v, had %v: want one new id", second, first)
	}
	replay := h.newBrowser(t)
	replay.setCookie(sessionCookieName, firstCookie)
	signedOut(t, replay)

	secondCookie := b.cookie(sessionCookieName)
	res := b.post("/logout", nil)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
		t.Fatalf("logout = %d to %q", res.status, res.header.Get("Location"))
	}
	if got := h.sessionIDs(t, user.ID); len(got) != 0 {
		t.Errorf("sessions after logout = %v", got)
	}
	signedOut(t, b)
	// The cookie as it was before logout is worthless now, even if a copy survived.
	replay = h.newBrowser(t)
	replay.setCookie(sessionCookieName, secondCookie)
	signedOut(t, replay)
}

func TestDeactivationEndsAccessAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	signedIn(t, agent)

	res := admin.post(fmt.Sprintf("/admin/users/%d", agent.user.ID), url.Values{"display_name": {"Alice"}, "role": {"agent"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("deactivate = %d %s", res.status, res.body)
	}
	u, err := h.store.UserByID(context.Background(), agent.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Active {
		t.Fatal("user still active")
	}
	signedOut(t, agent)
	if res := h.newBrowser(t).submitLogin("alice", testPassword); res.status != http.StatusUnprocessableEntity {
		t.Errorf("deactivated login = %d, want 422", res.status)
	}
	signedIn(t, admin)
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.createUser(t, "alice", auth.RoleAgent)
	laptop := h.newBrowser(t).login(user)
	phone := h.newBrowser(t).login(user)

	wrong := laptop.post("/account/password", url.Values{"current": {"not it at all"}, "password": {"a brand new password"}})
	if wrong.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong current password = %d", wrong.status)
	}
	signedIn(t, phone)

	res := laptop.post("/account/password", url.Values{"current": {testPassword}, "password": {"a brand new password"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/account?changed=1" {
		t.Fatalf("change = %d to %q (%s)", res.status, res.header.Get("Location"), res.body)
	}
	if page := laptop.get("/account?changed=1"); page.status != http.StatusOK || page.testID("password-changed").Length() != 1 {
		t.Errorf("the changing session lost access: %d", page.status)
	}
	signedOut(t, phone)
	if res := h.newBrowser(t).submitLogin("alice", testPassword); res.status != http.StatusUnprocessableEntity {
		t.Errorf("old password login = %d, want 422", res.status)
	}
	if res := h.newBrowser(t).submitLogin("alice", "a brand new password"); res.status != http.StatusSeeOther {
		t.Errorf("new password login = %d, want 303", res.status)
	}
}

func TestCSRFRequiredOnStateChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	tests := []struct {
		name    string
		b       *browser
		path    string
		form    url.Values
		headers map[string]string
	}{
		{"presence without token", agent, "/presence", url.Values{"ready": {"true"}}, map[string]string{"HX-Request": "true"}},
		{"presence with a wrong token", agent, "/presence", url.Values{"ready": {"true"}, "_csrf": {"forged"}}, nil},
		{"presence with another browser's token", agent, "/presence", url.Values{"ready": {"true"}}, map[string]string{"X-CSRF-Token": admin.cookie(csrfCookieName)}},
		{"settings without token", admin, "/admin/settings", url.Values{"agent.ready-at-login": {"true"}}, nil},
		{"logout without token", agent, "/logout", nil, nil},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := test.b.postRaw(test.path, test.form, test.headers)
			if res.status != http.StatusForbidden {
				t.Fatalf("status = %d, want 403", res.status)
			}
			u, err := h.store.UserByID(context.Background(), agent.user.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Ready {
				t.Error("the agent became Ready without a CSRF token")
			}
			if h.options.Bool("agent.ready-at-login") {
				t.Error("an option changed without a CSRF token")
			}
			if len(h.sessionIDs(t, agent.user.ID)) != 1 {
				t.Error("the session ended without a CSRF token")
			}
		})
	}
	// With the token the same request works, so the 403s above were about the token.
	if res := agent.htmx("/presence", url.Values{"ready": {"true"}}); res.status != http.StatusOK || res.testID("presence").AttrOr("data-ready", "") != "true" {
		t.Fatalf("with token = %d %s", res.status, res.body)
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	anonymous := h.newBrowser(t)
	tests := []struct {
		name string
		b    *browser
		path string
	}{
		{"login page", anonymous, "/login"},
		{"workspace", agent, "/"},
		{"not found page", agent, "/no/such/page"},
		{"forbidden page", agent, "/admin/settings"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := test.b.get(test.path)
			csp := res.header.Get("Content-Security-Policy")
			for _, directive := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, directive) {
					t.Errorf("CSP %q lacks %q", csp, directive)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows unsafe script: %q", csp)
			}
			if got := res.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if got := res.header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options = %q", got)
			}
		})
	}

	res := h.newBrowser(t).get("/login")
	var csrf *http.Cookie
	for _, c := range res.cookie {
		if c.Name == csrfCookieName {
			csrf = c
		}
	}
	if csrf == nil {
		t.Fatal("GET /login set no CSRF cookie")
	}
	if !csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode {
		t.Errorf("CSRF cookie HttpOnly=%v SameSite=%v, want HttpOnly and Strict", csrf.HttpOnly, csrf.SameSite)
	}
}

func TestAccessRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	agent := h.loggedIn(t, "alice", auth.RoleAgent)
	supervisor := h.loggedIn(t, "sam", auth.RoleSupervisor)
	admin := h.loggedIn(t, "root", auth.RoleAdmin)
	anonymous := h.newBrowser(t)
	tests := []struct {
		name       string
		b          *browser
		path       string
		wantStatus int
	}{
		{"unknown route", agent, "/no/such/page", http.StatusNotFound},
		{"unknown route as supervisor", supervisor, "/no/such/page", http.StatusNotFound},
		{"unknown admin route as admin", admin, "/admin/nothing", http.StatusNotFound},
		// Signed out, everything but the login page, webhooks and assets asks for a login first, so the
		// set of pages is not revealed to strangers.
		{"unknown route signed out", anonymous, "/no/such/page", http.StatusSeeOther},
		{"agent opens settings", agent, "/admin/settings", http.StatusForbidden},
		{"agent opens users", agent, "/admin/users", http.StatusForbidden},
		{"agent opens quarantine", agent, "/admin/quarantine", http.StatusForbidden},
		{"agent opens supervisor board", agent, "/supervisor", http.StatusForbidden},
		{"agent opens contact directory", agent, "/contacts", http.StatusForbidden},
		{"supervisor opens settings", supervisor, "/admin/settings", http.StatusForbidden},
		{"supervisor opens board", supervisor, "/supervisor", http.StatusOK},
		{"admin opens settings", admin, "/admin/settings", http.StatusOK},
		{"contact that does not exist", supervisor, "/contacts/999", http.StatusNotFound},
		{"contact id not a number", supervisor, "/contacts/abc", http.StatusNotFound},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := test.b.get(test.path)
			if res.status != test.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, test.wantStatus)
			}
			if test.wantStatus == http.StatusSeeOther && !strings.HasPrefix(res.header.Get("Location"), "/login") {
				t.Errorf("redirected to %q, want the login page", res.header.Get("Location"))
			}
			if test.wantStatus >= 400 {
				page := res.testID("error-page")
				if page.Length() != 1 {
					t.Fatalf("no error page:\n%s", res.body)
				}
				if !strings.Contains(page.Text(), http.StatusText(test.wantStatus)) {
					t.Errorf("error page says %q", strings.TrimSpace(page.Text()))
				}
			}
		})
	}
}

func TestAgentCannotTakeSomeoneElsesInteraction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.loggedIn(t, "alice", auth.RoleAgent)
	bob := h.loggedIn(t, "bob", auth.RoleAgent)
	offered := h.receive(t, "wamid.offered", "111", "for alice")
	h.offerTo(t, alice, offered.ID)
	active := h.activeInteraction(t, alice, "wamid.active", "222")

	tests := []struct {
		name   string
		action string
		target store.Interaction
		// An offer that went to someone else is "stale" for the clicker (their own offer may have timed out
		// and moved on), answered as a no-op with a notice; an active one is not theirs to know about.
		wantStatus int
	}{
		{"accept an offer made to alice", "accept", offered, http.StatusOK},
		{"reject an offer made to alice", "reject", offered, http.StatusOK},
		{"accept alice's active interaction", "accept", active, http.StatusNotFound},
		{"reject alice's active interaction", "reject", active, http.StatusNotFound},
		{"write in alice's interaction", "messages", active, http.StatusNotFound},
		{"close alice's interaction", "done", active, http.StatusNotFound},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			before := h.interaction(t, test.target.ID)
			form := url.Values{"text": {"hijack"}, "disposition": {"1"}, "note": {"x"}}
			res := bob.htmx(fmt.Sprintf("/interactions/%d/%s", test.target.ID, test.action), form)
			if res.status != test.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", res.status, test.wantStatus, res.body)
			}
			if res.status == http.StatusOK {
				if res.testID("error-fragment").Length() != 1 || res.header.Get("HX-Reswap") != "none" {
					t.Errorf("no 'already changed' notice:\n%s", res.body)
				}
			}
			if res.testID("interaction-pane").Length() != 0 || res.testID("offer").Length() != 0 {
				t.Errorf("bob was shown alice's interaction:\n%s", res.body)
			}
			if after := h.interaction(t, test.target.ID); after != before {
				t.Errorf("interaction changed:\nbefore %+v\nafter  %+v", before, after)
			}
			if got := h.count(t, "messages", "direction = 'out'"); got != 0 {
				t.Errorf("%d outbound messages stored", got)
			}
		})
	}
}

func TestContactHistoryVisibleOnlyToItsAgents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.loggedIn(t, "alice", auth.RoleAgent)
	bob := h.loggedIn(t, "bob", auth.RoleAgent)
	supervisor := h.loggedIn(t, "sam", auth.RoleSupervisor)
	i := h.activeInteraction(t, alice, "wamid.history", "16505551234")
	path := "/contacts/" + strconv.FormatInt(i.ContactID, 10)
	tests := []struct {
		name       string
		b          *browser
		wantStatus int
	}{
		{"agent who handles it", alice, http.StatusOK},
		{"agent who never handled it", bob, http.StatusNotFound},
		{"supervisor", supervisor, http.StatusOK},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := test.b.get(path)
			if res.status != test.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, test.wantStatus)
			}
			shown := strings.Contains(res.body, "16505551234") || strings.Contains(res.body, "I need help with my order")
			if want := test.wantStatus == http.StatusOK; shown != want {
				t.Errorf("contact details shown = %v, want %v", shown, want)
			}
		})
	}
}

// countingReader is an endless multipart body (one file part that never ends) that counts what was read.
type countingReader struct{ n atomic.Int64 }

const countingReaderHead = "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"

func (r *countingReader) Read(p []byte) (int, error) {
	at := r.n.Load()
	for i := range p {
		if at+int64(i) < int64(len(countingReaderHead)) {
			p[i] = countingReaderHead[at+int64(i)]
		} else {
			p[i] = 'x'
		}
	}
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// TestMultipartFromStrangersIsNotRead: a multipart body from someone not signed in is refused before the
// CSRF check would parse it (which would buffer up to 32 MB and spill the rest to disk).
func TestMultipartFromStrangersIsNotRead(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stranger := h.newBrowser(t)
	stranger.get("/login") // a CSRF cookie, as a page would have, but no session
	body := &countingReader{}
	const size = 64 << 20
	req, err := http.NewRequest(http.MethodPost, h.server.URL+"/admin/responses/1/attachments", io.LimitReader(body, size))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
	res, err := stranger.client.Do(req)
	if err != nil {
		t.Fatal(err) // the server answers before the body is sent, then closes
	}
	text, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(text), "Sign in before sending files.") {
		t.Errorf("stranger's upload = %d %s, want 403 asking to sign in", res.StatusCode, text)
	}
	if read := body.n.Load(); read > 8<<20 {
		t.Errorf("%d bytes of a stranger's upload were taken in", read)
	}
}
