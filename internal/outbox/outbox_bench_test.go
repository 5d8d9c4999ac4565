package outbox_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/media/mediatest"
	"switchboard/store"
)

// BenchmarkTextsBehindSlowUpload measures how long texts to 20 customers take to be sent while another
// customer's file takes a second to upload (ms-texts/op).
func BenchmarkTextsBehindSlowUpload(b *testing.B) {
	const customers, uploadTime = 20, time.Second
	uploading := make(chan struct{}, 1)
	var sends atomic.Int64
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if strings.HasSuffix(r.URL.Path, "/media") {
			uploading <- struct{}{}
			time.Sleep(uploadTime)
			io.WriteString(w, `{"id":"media-slow"}`)
			return
		}
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.bench.%d"}]}`, sends.Add(1))
	}))
	b.Cleanup(server.Close)
	h := newHarness(b, nil)
	files := h.withServer(server)
	var inters []store.Interaction
	for c := range customers {
		inters = append(inters, h.addContact(fmt.Sprintf("165055502%02d", c)))
	}
	sub := h.hub.Subscribe(events.UserTopic(h.agent))
	defer sub.Close()
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan struct{})
	go func() {
		h.worker.Run(ctx)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
	}()

	var texts time.Duration
	for b.Loop() {
		file := h.enqueueFile(files, "document", "catalogue.pdf", "application/pdf", "", mediatest.PDF(50_000))
		h.worker.Kick()
		<-uploading
		start := time.Now()
		textsLeft := map[int64]bool{}
		for c, i := range inters {
			textsLeft[h.enqueueTo(i, fmt.Sprintf("text %d", c))] = true
		}
		h.worker.Kick()
		for fileSent := false; len(textsLeft) > 0 || !fileSent; {
			id := (<-sub.C).MessageID
			fileSent = fileSent || id == file
			if textsLeft[id] {
				delete(textsLeft, id)
				if len(textsLeft) == 0 {
					texts += time.Since(start)
				}
			}
		}
	}
	b.ReportMetric(float64(texts.Milliseconds())/float64(b.N), "ms-texts/op")
}
