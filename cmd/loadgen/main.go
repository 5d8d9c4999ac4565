// Command loadgen measures Switchboard's webhook intake: it posts signed Cloud API webhooks, each carrying
// one or more customer text messages, from many concurrent senders, and reports messages per second and
// latency. Start Switchboard with a known app secret first, for example:
//
//	SWITCHBOARD_WA_APP_SECRET=loadtest go run ./cmd/switchboard -data /tmp/loadtest
//	go run ./cmd/loadgen -secret loadtest -messages 20000 -concurrency 16
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type settings struct {
	url           string
	secret        string
	messages      int
	concurrency   int
	batch         int
	customers     int
	phoneNumberID string
}

func run(args []string, out io.Writer) error {
	var s settings
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&s.url, "url", "http://127.0.0.1:8080/webhooks/whatsapp", "webhook URL of a running Switchboard")
	fs.StringVar(&s.secret, "secret", os.Getenv("SWITCHBOARD_WA_APP_SECRET"), "app secret the server verifies signatures with (SWITCHBOARD_WA_APP_SECRET)")
	fs.IntVar(&s.messages, "messages", 10000, "customer messages to send in all")
	fs.IntVar(&s.concurrency, "concurrency", 16, "concurrent senders")
	fs.IntVar(&s.batch, "batch", 1, "messages per webhook body")
	fs.IntVar(&s.customers, "customers", 500, "distinct customers the messages come from")
	fs.StringVar(&s.phoneNumberID, "phone-number-id", "100000000000001", "business phone number id in the payloads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if s.secret == "" {
		return errors.New("-secret is required (the server's SWITCHBOARD_WA_APP_SECRET)")
	}
	if s.messages < 1 || s.concurrency < 1 || s.batch < 1 || s.customers < 1 {
		return errors.New("-messages, -concurrency, -batch and -customers must be positive")
	}
	result := measure(context.Background(), s)
	result.print(out, s)
	if result.failed > 0 {
		return fmt.Errorf("%d webhooks were not accepted", result.failed)
	}
	return nil
}

type result struct {
	elapsed   time.Duration
	latencies []time.Duration
	statuses  map[int]int
	failed    int
	messages  int
}

func measure(ctx context.Context, s settings) result {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: s.concurrency}}
	bodies := (s.messages + s.batch - 1) / s.batch
	var next atomic.Int64
	var mu sync.Mutex
	r := result{statuses: map[int]int{}}
	runID := time.Now().UnixNano()
	start := time.Now()
	var wg sync.WaitGroup
	for worker := 0; worker < s.concurrency; worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1)) - 1
				if n >= bodies {
					return
				}
				body, count := payload(s, runID, n)
				began := time.Now()
				status, err := post(ctx, client, s, body)
				took := time.Since(began)
				mu.Lock()
				r.latencies = append(r.latencies, took)
				r.statuses[status]++
				if err != nil || status != http.StatusOK {
					r.failed++
				} else {
					r.messages += count
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

// post sends one webhook, retrying 503 (busy) as Meta would.
func post(ctx context.Context, client *http.Client, s settings, body []byte) (int, error) {
	mac := hmac.New(sha256.New, []byte(s.secret))
	mac.Write(body)
	signature := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	for attempt := 0; ; attempt++ {
		request, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		request.Header.Set("Content-Type", "application/json")
		request.Header.Set("X-Hub-Signature-256", signature)
		response, err := client.Do(request)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, response.Body)
		response.Body.Close()
		if response.StatusCode != http.StatusServiceUnavailable || attempt >= 5 {
			return response.StatusCode, nil
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
}

// payload builds webhook number n in Meta's shape with up to s.batch messages.
func payload(s settings, runID int64, n int) ([]byte, int) {
	type text struct {
		Body string `json:"body"`
	}
	type message struct {
		From      string `json:"from"`
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
		Type      string `json:"type"`
		Text      text   `json:"text"`
	}
	type profile struct {
		Name string `json:"name"`
	}
	type contact struct {
		Profile profile `json:"profile"`
		WAID    string  `json:"wa_id"`
	}
	var messages []message
	var contacts []contact
	for i := 0; i < s.batch && n*s.batch+i < s.messages; i++ {
		seq := n*s.batch + i
		waID := fmt.Sprintf("4477%08d", seq%s.customers)
		messages = append(messages, message{From: waID, ID: fmt.Sprintf("wamid.load.%d.%d", runID, seq), Timestamp: fmt.Sprint(time.Now().Unix()), Type: "text", Text: text{Body: fmt.Sprintf("load message %d", seq)}})
		contacts = append(contacts, contact{Profile: profile{Name: "Load " + waID}, WAID: waID})
	}
	body, _ := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "102290129340398", "changes": []any{map[string]any{"field": "messages", "value": map[string]any{
			"messaging_product": "whatsapp",
			"metadata":          map[string]string{"display_phone_number": "15550100001", "phone_number_id": s.phoneNumberID},
			"contacts":          contacts,
			"messages":          messages,
		}}}}},
	})
	return body, len(messages)
}

func (r result) print(out io.Writer, s settings) {
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(float64(len(r.latencies))*p))]
	}
	fmt.Fprintf(out, "webhooks: %d (batch %d, %d senders, %d customers)\n", len(r.latencies), s.batch, s.concurrency, s.customers)
	fmt.Fprintf(out, "messages stored: %d in %v = %.0f messages/s\n", r.messages, r.elapsed.Round(time.Millisecond), float64(r.messages)/r.elapsed.Seconds())
	fmt.Fprintf(out, "latency per webhook: p50 %v  p90 %v  p99 %v  max %v\n", pct(.5), pct(.9), pct(.99), pct(1))
	fmt.Fprintf(out, "statuses: %v\n", r.statuses)
}
