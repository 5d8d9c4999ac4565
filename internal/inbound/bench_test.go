package inbound_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/inbound"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// BenchmarkIntake measures parsing and committing webhooks of one and of ten customer messages, spread over
// 500 customers, on a real SQLite file. Report messages/s = batch × 1e9 / ns/op.
func BenchmarkIntake(b *testing.B) {
	for _, batch := range []int{1, 10} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			intake := &inbound.Intake{Store: st, Bus: events.NewHub(), Router: &kicks{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
			bodies := make([][]byte, b.N)
			for i := range bodies {
				messages := make([]string, batch)
				for j := range messages {
					n := i*batch + j
					messages[j] = fmt.Sprintf(`{"from":"4477%08d","id":"wamid.bench.%d","timestamp":"%s","type":"text","text":{"body":"message %d"}}`, n%500, n, sentAt, n)
				}
				bodies[i] = webhook(`"contacts":[{"profile":{"name":"Bench"},"wa_id":"447700000000"}],"messages":[` + strings.Join(messages, ",") + `]`)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				parsed, err := whatsapp.ParseWebhook(bodies[i])
				if err != nil {
					b.Fatal(err)
				}
				if _, err := intake.Process(ctx, parsed); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "messages/s")
		})
	}
}
