package simulator

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStatusWebhooksFollowAcceptedSend(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"name":"Ann Lee","text":"hello"}`)
	wamid := h.sendText("447700900123", "Hi Ann")

	webhooks := h.receiver.waitFor(t, "sent and delivered", hasStatuses(wamid, "sent", "delivered"))
	statuses := statusesFor(webhooks, wamid)
	if got := strings.Join(statusNames(statuses), ","); got != "sent,delivered" {
		t.Fatalf("statuses = %s, want sent,delivered", got)
	}

	// The envelope around a status, exactly as Meta sends it.
	var envelope map[string]any
	for _, webhook := range webhooks {
		if len(statusesFor([]map[string]any{webhook}, wamid)) > 0 {
			envelope = webhook
			break
		}
	}
	if envelope["object"] != "whatsapp_business_account" || path(envelope, "entry", 0, "changes", 0, "field") != "messages" {
		t.Errorf("envelope = %s", mustJSON(envelope))
	}
	if id, _ := path(envelope, "entry", 0, "id").(string); id == "" {
		t.Errorf("entry id is empty")
	}
	value := path(envelope, "entry", 0, "changes", 0, "value").(map[string]any)
	if keysOf(value) != "messaging_product,metadata,statuses" || value["messaging_product"] != "whatsapp" {
		t.Errorf("value = %s", mustJSON(value))
	}
	if mustJSON(value["metadata"]) != `{"display_phone_number":"15550100001","phone_number_id":"1001"}` {
		t.Errorf("metadata = %s", mustJSON(value["metadata"]))
	}

	sent, delivered := statuses[0], statuses[1]
	if keysOf(sent) != "conversation,id,pricing,recipient_id,status,timestamp" {
		t.Errorf("sent keys = %s", keysOf(sent))
	}
	if sent["recipient_id"] != "447700900123" {
		t.Errorf("recipient_id = %v", sent["recipient_id"])
	}
	seconds, err := strconv.ParseInt(sent["timestamp"].(string), 10, 64)
	if err != nil || time.Since(time.Unix(seconds, 0)) > time.Minute {
		t.Errorf("timestamp = %v, want Unix seconds as a string", sent["timestamp"])
	}
	if path(sent, "conversation", "origin", "type") != "service" || path(sent, "conversation", "expiration_timestamp") == nil {
		t.Errorf("sent conversation = %s", mustJSON(sent["conversation"]))
	}
	if mustJSON(sent["pricing"]) != `{"billable":false,"category":"service","pricing_model":"CBP"}` {
		t.Errorf("pricing = %s", mustJSON(sent["pricing"]))
	}
	if path(delivered, "conversation", "id") != path(sent, "conversation", "id") || path(delivered, "conversation", "expiration_timestamp") != nil {
		t.Errorf("delivered conversation = %s", mustJSON(delivered["conversation"]))
	}

	t.Run("read through the API", func(t *testing.T) {
		status, data := h.do(http.MethodPost, "/api/customers/447700900123/read", "", nil)
		if status != http.StatusOK {
			t.Fatalf("read = %d %s", status, data)
		}
		webhooks := h.receiver.waitFor(t, "read", hasStatuses(wamid, "sent", "delivered", "read"))
		statuses := statusesFor(webhooks, wamid)
		read := statuses[2]
		if read["status"] != "read" || keysOf(read) != "id,recipient_id,status,timestamp" {
			t.Errorf("read status = %s", mustJSON(read))
		}
		_, data = h.do(http.MethodGet, "/api/customers/447700900123/messages", "", nil)
		messages := decodeList(t, data)
		if len(messages) != 2 {
			t.Fatalf("messages = %v", messages)
		}
		customer, business := messages[0], messages[1]
		if customer["direction"] != "out" || customer["text"] != "hello" || customer["type"] != "text" {
			t.Errorf("customer message = %v", customer)
		}
		if business["direction"] != "in" || business["wamid"] != wamid || business["status"] != "read" || business["text"] != "Hi Ann" {
			t.Errorf("business message = %v", business)
		}
		if path(business, "payload", "text", "body") != "Hi Ann" {
			t.Errorf("payload = %v", business["payload"])
		}
	})
}

func TestStatusesCarryCallbackData(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"text":"hello"}`)
	status, answer := h.send(firstID, `{"messaging_product":"whatsapp","to":"447700900123","type":"text",`+
		`"text":{"body":"Hi"},"biz_opaque_callback_data":"outbox-17"}`)
	if status != http.StatusOK {
		t.Fatalf("send = %d %v", status, answer)
	}
	wamid := path(answer, "messages", 0, "id").(string)
	webhooks := h.receiver.waitFor(t, "delivered", hasStatuses(wamid, "sent", "delivered"))
	for _, status := range statusesFor(webhooks, wamid) {
		if status["biz_opaque_callback_data"] != "outbox-17" {
			t.Errorf("%s status = %s, want the callback data echoed", status["status"], mustJSON(status))
		}
	}
}

func TestReadBeforeDeliveryWaitsForDelivered(t *testing.T) {
	h := newHarness(t)
	h.sim.config.StatusDelay = 60 * time.Millisecond
	h.customerSays("447700900123", `{"text":"hello"}`)
	wamid := h.sendText("447700900123", "Hi")
	h.do(http.MethodPost, "/api/customers/447700900123/read", "", nil)

	webhooks := h.receiver.waitFor(t, "read", hasStatuses(wamid, "sent", "delivered", "read"))
	if got := strings.Join(statusNames(statusesFor(webhooks, wamid)), ","); got != "sent,delivered,read" {
		t.Errorf("statuses = %s, want sent,delivered,read", got)
	}
}

func TestCustomerServiceWindow(t *testing.T) {
	h := newHarness(t)
	expired := time.Now().Add(-25 * time.Hour).Unix()
	h.customerSays("447700900001", `{"text":"old question","timestamp":`+strconv.FormatInt(expired, 10)+`}`)
	h.customerSays("447700900002", `{"text":"fresh question"}`)

	tests := []struct {
		name       string
		to         string
		body       string
		wantStatus string
	}{
		{name: "never wrote", to: "447700900009", wantStatus: "failed"},
		{name: "wrote 25 hours ago", to: "447700900001", wantStatus: "failed"},
		{name: "wrote just now", to: "447700900002", wantStatus: "sent"},
		{
			name: "reply buttons outside the window", to: "447700900001", wantStatus: "failed",
			body: `{"messaging_product":"whatsapp","to":"447700900001","type":"interactive","interactive":{"type":"button","body":{"text":"Solved?"},` +
				`"action":{"buttons":[{"type":"reply","reply":{"id":"y","title":"Yes"}}]}}}`,
		},
		{
			name: "template outside the window", to: "447700900009", wantStatus: "sent",
			body: `{"messaging_product":"whatsapp","to":"447700900009","type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}`,
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			body := test.body
			if body == "" {
				body = `{"messaging_product":"whatsapp","to":"` + test.to + `","type":"text","text":{"body":"Hello"}}`
			}
			status, answer := h.send(firstID, body)
			if status != http.StatusOK {
				t.Fatalf("send = %d %v: the Cloud API accepts first and fails later", status, answer)
			}
			wamid := path(answer, "messages", 0, "id").(string)
			webhooks := h.receiver.waitFor(t, "first status", hasStatuses(wamid, "any"))
			first := statusesFor(webhooks, wamid)[0]
			if first["status"] != test.wantStatus {
				t.Fatalf("first status = %s, want %s", mustJSON(first), test.wantStatus)
			}
			if test.wantStatus == "failed" {
				want := `[{"code":131047,"error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},` +
					`"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/","message":"Re-engagement message","title":"Re-engagement message"}]`
				if mustJSON(first["errors"]) != want {
					t.Errorf("errors = %s", mustJSON(first["errors"]))
				}
				if keysOf(first) != "errors,id,recipient_id,status,timestamp" {
					t.Errorf("failed status keys = %s", keysOf(first))
				}
			}
			if test.name == "template outside the window" && path(first, "pricing", "category") != "utility" {
				t.Errorf("template pricing = %s", mustJSON(first["pricing"]))
			}
		})
	}
}

func TestFailureInjection(t *testing.T) {
	h := newHarness(t)
	h.customerSays("447700900123", `{"text":"hello"}`)
	textBody := `{"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{"body":"Hi"}}`
	inject := func(kind string, count int) {
		t.Helper()
		status, data := h.do(http.MethodPost, "/api/failures", `{"kind":"`+kind+`","count":`+strconv.Itoa(count)+`}`, nil)
		if status != http.StatusCreated {
			t.Fatalf("inject %s = %d %s", kind, status, data)
		}
	}

	httpFailures := []struct {
		kind       string
		wantStatus int
		wantCode   float64
	}{
		{kind: "http500", wantStatus: 500, wantCode: 131000},
		{kind: "http503", wantStatus: 503, wantCode: 2},
		{kind: "http429", wantStatus: 429, wantCode: 80007},
		{kind: "rate_limit", wantStatus: 400, wantCode: 130429},
	}
	for _, test := range httpFailures {
		t.Run(test.kind, func(t *testing.T) {
			inject(test.kind, 2)
			for attempt := 1; attempt <= 2; attempt++ {
				status, answer := h.send(firstID, textBody)
				if status != test.wantStatus || path(answer, "error", "code") != test.wantCode {
					t.Fatalf("attempt %d = %d %v, want %d code %v", attempt, status, answer, test.wantStatus, test.wantCode)
				}
				if path(answer, "error", "type") != "OAuthException" || path(answer, "error", "fbtrace_id") == nil {
					t.Errorf("error shape = %v", answer)
				}
			}
			if status, answer := h.send(firstID, textBody); status != http.StatusOK {
				t.Fatalf("third send = %d %v, want the failure used up", status, answer)
			}
		})
	}

	statusFailures := []struct {
		kind     string
		wantCode float64
	}{
		{kind: "reengagement", wantCode: 131047},
		{kind: "undeliverable", wantCode: 131026},
	}
	for _, test := range statusFailures {
		t.Run(test.kind, func(t *testing.T) {
			inject(test.kind, 1)
			status, answer := h.send(firstID, textBody)
			if status != http.StatusOK {
				t.Fatalf("send = %d %v", status, answer)
			}
			wamid := path(answer, "messages", 0, "id").(string)
			webhooks := h.receiver.waitFor(t, "failed status", hasStatuses(wamid, "failed"))
			first := statusesFor(webhooks, wamid)[0]
			if first["status"] != "failed" || path(first, "errors", 0, "code") != test.wantCode {
				t.Errorf("status = %s", mustJSON(first))
			}
			if path(first, "errors", 0, "href") == nil || path(first, "errors", 0, "error_data", "details") == nil {
				t.Errorf("error shape = %s", mustJSON(first["errors"]))
			}
		})
	}

	t.Run("timeout", func(t *testing.T) {
		_, before := h.do(http.MethodGet, "/api/sent", "", nil)
		inject("timeout", 1)
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		request, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.apiPrefix+"/v21.0/"+firstID+"/messages", strings.NewReader(textBody))
		request.Header.Set("Authorization", "Bearer "+testToken)
		started := time.Now()
		response, err := http.DefaultClient.Do(request)
		if err == nil {
			response.Body.Close()
			t.Fatalf("request answered %d, want it held until the client gave up", response.StatusCode)
		}
		if time.Since(started) < 100*time.Millisecond {
			t.Errorf("request ended after %s, before the client's timeout", time.Since(started))
		}
		_, after := h.do(http.MethodGet, "/api/sent", "", nil)
		if len(decodeList(t, after)) != len(decodeList(t, before)) {
			t.Errorf("a timed-out send was accepted")
		}
	})

	t.Run("clear", func(t *testing.T) {
		inject("http500", 5)
		status, _ := h.do(http.MethodDelete, "/api/failures", "", nil)
		if status != http.StatusNoContent {
			t.Fatalf("clear = %d", status)
		}
		if status, answer := h.send(firstID, textBody); status != http.StatusOK {
			t.Errorf("send after clear = %d %v", status, answer)
		}
	})

	t.Run("unknown kind", func(t *testing.T) {
		status, _ := h.do(http.MethodPost, "/api/failures", `{"kind":"meteor","count":1}`, nil)
		if status != http.StatusBadRequest {
			t.Errorf("unknown kind = %d, want 400", status)
		}
	})
}

func TestWebhookRetriedUntilProductAnswers(t *testing.T) {
	h := newHarness(t)
	h.receiver.mu.Lock()
	h.receiver.failures = 2
	h.receiver.mu.Unlock()

	first := h.customerSays("447700900123", `{"text":"one"}`)
	status, data := h.do(http.MethodPost, "/api/customers/447700900123/messages", `{"text":"two"}`, nil)
	if status != http.StatusAccepted {
		t.Fatalf("second message = %d %s", status, data)
	}
	second := decodeObject(t, data)["wamid"].(string)

	webhooks := h.receiver.waitFor(t, "both messages", func(list []map[string]any) bool {
		return messageWebhook(list, second) != nil
	})
	if len(webhooks) != 2 || path(webhooks[0], "entry", 0, "changes", 0, "value", "messages", 0, "id") != first {
		t.Errorf("webhooks out of order: %s", mustJSON(webhooks))
	}
	h.receiver.mu.Lock()
	attempts := h.receiver.attempts
	h.receiver.mu.Unlock()
	if attempts != 4 {
		t.Errorf("attempts = %d, want 2 refused + 2 accepted", attempts)
	}
}

func TestCustomerMessageWebhook(t *testing.T) {
	h := newHarness(t)
	sentAt := time.Now().Add(-3 * time.Minute).Unix()
	wamid := h.customerSays("447700900123",
		`{"name":"Ann Lee","phone_number_id":"1002","text":"Where is my order?","timestamp":`+strconv.FormatInt(sentAt, 10)+`}`)
	if !strings.HasPrefix(wamid, "wamid.") {
		t.Fatalf("wamid = %q", wamid)
	}

	webhook := messageWebhook(h.receiver.webhooks(), wamid)
	if webhook == nil {
		t.Fatal("message webhook not received")
	}
	if keysOf(webhook) != "entry,object" || webhook["object"] != "whatsapp_business_account" {
		t.Errorf("envelope = %s", mustJSON(webhook))
	}
	change := path(webhook, "entry", 0, "changes", 0).(map[string]any)
	if change["field"] != "messages" {
		t.Errorf("field = %v", change["field"])
	}
	value := change["value"].(map[string]any)
	if keysOf(value) != "contacts,messages,messaging_product,metadata" {
		t.Errorf("value keys = %s", keysOf(value))
	}
	if mustJSON(value["metadata"]) != `{"display_phone_number":"15550100002","phone_number_id":"1002"}` {
		t.Errorf("metadata = %s", mustJSON(value["metadata"]))
	}
	if mustJSON(value["contacts"]) != `[{"profile":{"name":"Ann Lee"},"wa_id":"447700900123"}]` {
		t.Errorf("contacts = %s", mustJSON(value["contacts"]))
	}
	want := `[{"from":"447700900123","id":"` + wamid + `","text":{"body":"Where is my order?"},"timestamp":"` +
		strconv.FormatInt(sentAt, 10) + `","type":"text"}]`
	if mustJSON(value["messages"]) != want {
		t.Errorf("messages = %s\nwant       %s", mustJSON(value["messages"]), want)
	}

	t.Run("quoted reply carries context", func(t *testing.T) {
		// The customer wrote to 1002, so only 1002 is inside the customer-service window.
		status, answer := h.send(secondID, `{"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{"body":"Which order?"}}`)
		if status != http.StatusOK {
			t.Fatalf("send = %d %v", status, answer)
		}
		business := path(answer, "messages", 0, "id").(string)
		h.receiver.waitFor(t, "delivered", hasStatuses(business, "sent", "delivered"))
		reply := h.customerSays("447700900123", `{"text":"Number 42","reply_to":"`+business+`"}`)
		message := path(messageWebhook(h.receiver.webhooks(), reply), "entry", 0, "changes", 0, "value", "messages", 0)
		if mustJSON(path(message, "context")) != `{"from":"15550100002","id":"`+business+`"}` {
			t.Errorf("context = %s", mustJSON(path(message, "context")))
		}
		// The profile name is remembered from the first message.
		contacts := path(messageWebhook(h.receiver.webhooks(), reply), "entry", 0, "changes", 0, "value", "contacts")
		if path(contacts, 0, "profile", "name") != "Ann Lee" {
			t.Errorf("contacts = %s", mustJSON(contacts))
		}
	})

	t.Run("other kinds pass through", func(t *testing.T) {
		other := h.customerSays("447700900123", `{"type":"location","payload":{"latitude":51.5,"longitude":-0.12}}`)
		message := path(messageWebhook(h.receiver.webhooks(), other), "entry", 0, "changes", 0, "value", "messages", 0)
		if path(message, "type") != "location" || path(message, "location", "latitude") != 51.5 {
			t.Errorf("message = %s", mustJSON(message))
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, body := range []string{`{"text":""}`, `{"text":"x","phone_number_id":"999"}`, `{"text":"x","reply_to":"wamid.nope"}`, `nope`} {
			if status, data := h.do(http.MethodPost, "/api/customers/447700900123/messages", body, nil); status != http.StatusBadRequest {
				t.Errorf("%s = %d %s, want 400", body, status, data)
			}
		}
		if status, _ := h.do(http.MethodPost, "/api/customers/not-a-number/messages", `{"text":"x"}`, nil); status != http.StatusBadRequest {
			t.Errorf("bad wa_id = %d, want 400", status)
		}
	})
}

func TestWaitReportsProductFailure(t *testing.T) {
	h := newHarness(t)
	h.sim.retryMaxAttempts = 2
	h.receiver.mu.Lock()
	h.receiver.alwaysFail = http.StatusInternalServerError
	h.receiver.mu.Unlock()

	status, data := h.do(http.MethodPost, "/api/customers/447700900123/messages?wait=1", `{"text":"hello"}`, nil)
	if status != http.StatusBadGateway {
		t.Fatalf("status = %d %s, want 502", status, data)
	}
	answer := decodeObject(t, data)
	if answer["product_status"] != float64(500) || !strings.HasPrefix(answer["wamid"].(string), "wamid.") {
		t.Errorf("answer = %v", answer)
	}

	h.receiver.mu.Lock()
	h.receiver.alwaysFail = 0
	h.receiver.mu.Unlock()
	status, data = h.do(http.MethodPost, "/api/customers/447700900123/messages?wait=1", `{"text":"again"}`, nil)
	if status != http.StatusAccepted || decodeObject(t, data)["delivered"] != true {
		t.Errorf("after recovery = %d %s", status, data)
	}
}

func TestCloseReleasesHeldRequests(t *testing.T) {
	h := newHarness(t)
	h.do(http.MethodPost, "/api/failures", `{"kind":"timeout"}`, nil)
	done := make(chan int, 1)
	go func() {
		request, _ := http.NewRequest(http.MethodPost, h.apiPrefix+"/v21.0/"+firstID+"/messages",
			strings.NewReader(`{"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{"body":"Hi"}}`))
		request.Header.Set("Authorization", "Bearer "+testToken)
		response, err := http.DefaultClient.Do(request)
		if err != nil {
			done <- 0
			return
		}
		response.Body.Close()
		done <- response.StatusCode
	}()
	time.Sleep(50 * time.Millisecond)
	h.sim.Close()
	select {
	case status := <-done:
		if status != http.StatusServiceUnavailable {
			t.Errorf("held request ended with %d, want 503", status)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close did not release the held request")
	}
}
