// Package outbox sends committed outbound messages to the Cloud API: to each contact in order of commit, to
// several contacts at once, retrying transient failures with backoff, never sending a message twice, and
// recording every outcome on the message.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/notify"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// Sender is the part of the Cloud API client the outbox needs.
type Sender interface {
	Send(ctx context.Context, phoneNumberID string, message whatsapp.OutboundMessage) (string, error)
}

// Uploader puts a message's file on the Cloud API's media endpoint and returns the media id to send it by.
type Uploader interface {
	UploadMedia(ctx context.Context, phoneNumberID string, upload whatsapp.MediaUpload) (string, error)
}

// Blobs opens stored files by their SHA-256.
type Blobs interface {
	Open(sha256 string) (*os.File, error)
}

// MaxAttempts bounds retries of a transiently failing send (about half an hour of backoff in all).
const MaxAttempts = 12

// Worker drains the outbox.
type Worker struct {
	Store       *store.Store
	Bus         events.Bus
	Client      Sender
	Log         *slog.Logger
	Now         func() time.Time
	SendTimeout time.Duration
	// Uploader and Blobs send messages that carry a file; without them such messages fail.
	Uploader Uploader
	Blobs    Blobs
	// UploadTimeout bounds one upload, which takes far longer than a send.
	UploadTimeout time.Duration
	// Concurrency is how many messages may be sent or uploaded at once, each to a different contact, so one
	// customer's large file does not hold up everyone else's messages.
	Concurrency int

	kick chan struct{}
	mu   sync.Mutex
	// working holds the contacts whose message is being sent or uploaded here. The store holds back a
	// contact's later messages, but the one being worked on still reads as due until it is marked in flight
	// (an upload never is), so without this it could start twice.
	working  map[int64]bool
	finished *sync.Cond // broadcast, under mu, whenever a contact leaves working
}

// New returns a worker.
func New(st *store.Store, bus events.Bus, client Sender, log *slog.Logger, now func() time.Time) *Worker {
	w := &Worker{Store: st, Bus: bus, Client: client, Log: log, Now: now, SendTimeout: 20 * time.Second, UploadTimeout: 15 * time.Minute,
		Concurrency: 4, kick: make(chan struct{}, 1), working: map[int64]bool{}}
	w.finished = sync.NewCond(&w.mu)
	return w
}

// Kick says a message was committed; it never blocks.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Recover fails sends that were under way when the process last stopped: whether WhatsApp got them is
// unknown, and sending again could deliver the message twice.
func (w *Worker) Recover(ctx context.Context) error {
	ids, err := w.Store.InFlightOutbox(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		w.fail(ctx, id, 0, "Delivery unknown", "Switchboard stopped while this message was being handed to WhatsApp; it was not sent again to avoid a duplicate.")
	}
	return nil
}

// Run sends due messages until ctx ends, then returns once the sends under way have recorded their outcome
// (a send is bounded by SendTimeout; an upload stops with ctx and runs again at the next start).
func (w *Worker) Run(ctx context.Context) {
	defer w.waitIdle()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := w.Now()
		wait := time.Minute
		if _, err := w.dispatch(ctx, now); err != nil {
			wait = time.Second // messages may be due; look again soon
		} else if next, err := w.Store.NextOutboxAttempt(context.WithoutCancel(ctx), now.UnixMilli()); err == nil && next > 0 {
			wait = time.UnixMilli(next).Sub(now)
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return
		case <-w.kick: // a message was committed or a send ended
		case <-timer.C:
		}
	}
}

// Drain sends every message due now, as Run does, and returns once none is due and no send is under way.
// When ctx ends it starts no more and waits for those under way.
func (w *Worker) Drain(ctx context.Context) {
	for {
		started, _ := w.dispatch(ctx, w.Now())
		w.mu.Lock()
		busy := len(w.working) > 0
		if busy {
			w.finished.Wait()
		}
		w.mu.Unlock()
		if started == 0 && !busy {
			return
		}
	}
}

// dispatch starts a send of each due message whose contact has none under way, as far as Concurrency allows,
// and reports how many it started.
func (w *Worker) dispatch(ctx context.Context, now time.Time) (int, error) {
	if ctx.Err() != nil {
		return 0, nil
	}
	limit := max(w.Concurrency, 1)
	// mu is held across the read so a send that ends meanwhile cannot free its contact between the read and
	// the check below: the row read could be the one that send just finished, and would go twice.
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.working) >= limit {
		return 0, nil
	}
	// The store returns at most one due message per contact, so reading limit rows finds every free slot a
	// message even when the rows of contacts under way come first.
	items, err := w.Store.DueOutbox(ctx, now.UnixMilli(), limit)
	if err != nil {
		if ctx.Err() == nil {
			w.Log.Error("outbox: read due messages", "err", err)
		}
		return 0, err
	}
	started := 0
	for _, item := range items {
		contact := item.Message.ContactID
		if w.working[contact] || len(w.working) >= limit {
			continue
		}
		w.working[contact] = true
		started++
		go func() {
			w.send(ctx, item)
			w.mu.Lock()
			delete(w.working, contact)
			w.finished.Broadcast()
			w.mu.Unlock()
			w.Kick() // the contact's next message, or another waiting for a free slot, may go now
		}()
	}
	return started, nil
}

// waitIdle returns once no send is under way.
func (w *Worker) waitIdle() {
	w.mu.Lock()
	for len(w.working) > 0 {
		w.finished.Wait()
	}
	w.mu.Unlock()
}

// send makes one attempt. Outcomes are stored with a context that outlives ctx so a shutdown mid-send still
// records what happened.
func (w *Worker) send(ctx context.Context, item store.OutboxItem) {
	record := context.WithoutCancel(ctx)
	id := item.Message.ID
	if needsUpload(item.Message) {
		// The upload comes first and its media id is kept, so a retried send never uploads the file again.
		// It is not marked in flight: uploading twice cannot make the customer get the message twice.
		mediaID, err := w.upload(ctx, item)
		if err != nil {
			if ctx.Err() != nil {
				return // shutting down mid-upload: it runs again at the next start, without counting
			}
			w.uploadFailed(record, item, err)
			return
		}
		item.Message.MediaID = mediaID
	}
	if !w.persist("mark in flight", id, func() error { return w.Store.MarkInFlight(record, id, w.Now().UnixMilli()) }) {
		// Nothing was sent; the message is due again. Pause so a store that keeps failing is not hammered.
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		return
	}
	sendCtx, cancel := context.WithTimeout(record, w.SendTimeout)
	message, err := Outbound(item)
	wamid := ""
	if err == nil {
		wamid, err = w.Client.Send(sendCtx, item.Message.PhoneNumberID, message)
	}
	cancel()
	if err == nil {
		var message store.Message
		accepted := w.persist("record accepted send "+wamid, id, func() (err error) {
			message, err = w.Store.OutboxAccepted(record, id, wamid, w.Now().UnixMilli())
			return err
		})
		if !accepted {
			// The message left; recording failed. It stays marked in flight and is failed as "delivery
			// unknown" at the next start rather than being sent again.
			return
		}
		w.publish(record, message)
		return
	}
	var apiError *whatsapp.APIError
	var transportError *whatsapp.TransportError
	attempts := item.Attempts + 1
	switch {
	case whatsapp.IsTransient(err) && attempts < MaxAttempts:
		next := w.Now().Add(Backoff(attempts))
		w.Log.Warn("outbox: transient failure, will retry", "message", id, "attempt", attempts, "retry_at", next, "err", err)
		w.persist("schedule retry", id, func() error { return w.Store.OutboxRetry(record, id, next.UnixMilli(), err.Error()) })
	case errors.Is(err, whatsapp.ErrInvalidMessage):
		w.fail(record, id, 0, "Message refused before sending", err.Error())
	case errors.As(err, &apiError):
		w.fail(record, id, apiError.Code, apiError.Title, apiError.Details)
	case errors.As(err, &transportError) && transportError.MaybeDelivered:
		w.fail(record, id, 0, "Delivery unknown", "The connection to WhatsApp broke after the message was handed over; it was not sent again to avoid a duplicate.")
	default:
		w.fail(record, id, 0, "Could not reach WhatsApp", fmt.Sprintf("Gave up after %d attempts: %v", attempts, err))
	}
}

// persistAttempts bounds how often an outcome's write is tried while the store is busy (about 1.5 s of
// pauses, besides the store's own busy timeout on each try).
const persistAttempts = 6

// persist runs a write that records an outcome, trying again while the store is busy: a lost write leaves
// the message marked in flight, which holds up the customer's later messages until the next start. It
// reports whether the write was made; a failure is logged.
func (w *Worker) persist(what string, id int64, write func() error) bool {
	pause := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := write()
		if err == nil {
			return true
		}
		if !errors.Is(err, store.ErrBusy) || attempt == persistAttempts {
			w.Log.Error("outbox: "+what, "message", id, "attempts", attempt, "err", err)
			return false
		}
		time.Sleep(pause)
		pause *= 2
	}
}

// needsUpload reports whether m carries a file WhatsApp does not have yet: an attached file, a standard
// response's file or the media header of a notification or interactive message.
func needsUpload(m store.Message) bool {
	if m.MediaID != "" {
		return false
	}
	if content, structured := notify.DecodeContent(m.Payload); structured {
		return content.FileID != 0
	}
	return isFileKind(m.Kind)
}

func isFileKind(kind string) bool {
	switch kind {
	case whatsapp.MessageTypeImage, whatsapp.MessageTypeAudio, whatsapp.MessageTypeVideo, whatsapp.MessageTypeDocument:
		return true
	}
	return false
}

// errFileMissing means the stored file of a message is gone; retrying cannot bring it back.
var errFileMissing = errors.New("the attached file is missing from storage")

// upload streams the message's stored file to the media endpoint and remembers the media id.
func (w *Worker) upload(ctx context.Context, item store.OutboxItem) (string, error) {
	if w.Uploader == nil {
		return "", fmt.Errorf("%w: this connection cannot upload files", whatsapp.ErrInvalidMessage)
	}
	if w.Blobs == nil {
		return "", errFileMissing
	}
	sha256, upload, err := w.storedFile(ctx, item.Message)
	if err != nil {
		return "", err
	}
	file, err := w.Blobs.Open(sha256)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errFileMissing, err)
	}
	defer file.Close()
	upload.Content = file
	uploadCtx, cancel := context.WithTimeout(ctx, w.UploadTimeout)
	defer cancel()
	mediaID, err := w.Uploader.UploadMedia(uploadCtx, item.Message.PhoneNumberID, upload)
	if err != nil {
		return "", err
	}
	if err := w.Store.SetUploadedMediaID(context.WithoutCancel(ctx), item.Message.ID, mediaID); err != nil {
		return "", err
	}
	w.Log.Info("outbox: file uploaded", "message", item.Message.ID, "media_id", mediaID, "bytes", upload.Size)
	return mediaID, nil
}

// storedFile says which stored file m carries and how it is described to WhatsApp (everything but the
// content): the attachment of a file message, or the response file named by a structured message's content.
func (w *Worker) storedFile(ctx context.Context, m store.Message) (string, whatsapp.MediaUpload, error) {
	if content, structured := notify.DecodeContent(m.Payload); structured {
		file, err := w.Store.OutboundFileByID(ctx, content.FileID)
		if errors.Is(err, store.ErrNotFound) {
			return "", whatsapp.MediaUpload{}, fmt.Errorf("%w: its record was deleted", errFileMissing)
		}
		if err != nil {
			return "", whatsapp.MediaUpload{}, err
		}
		return file.SHA256, whatsapp.MediaUpload{MIMEType: file.MIME, FileName: file.Filename, Size: file.Size}, nil
	}
	attachment, err := w.Store.AttachmentByMessage(ctx, m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "", whatsapp.MediaUpload{}, errFileMissing
	}
	if err != nil {
		return "", whatsapp.MediaUpload{}, err
	}
	return attachment.SHA256, whatsapp.MediaUpload{MIMEType: attachment.ContentType, FileName: attachment.FileName, Size: attachment.Size}, nil
}

// uploadFailed retries an upload that may work later and fails the message otherwise. Any transport
// failure may be retried here, unlike a send: a repeated upload never reaches the customer.
func (w *Worker) uploadFailed(ctx context.Context, item store.OutboxItem, err error) {
	id := item.Message.ID
	attempts := item.Attempts + 1
	var apiError *whatsapp.APIError
	_, isTransport := errors.AsType[*whatsapp.TransportError](err)
	switch {
	case errors.Is(err, errFileMissing):
		w.fail(ctx, id, 0, "File missing", err.Error())
	case (whatsapp.IsTransient(err) || isTransport || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, store.ErrBusy)) && attempts < MaxAttempts:
		next := w.Now().Add(Backoff(attempts))
		w.Log.Warn("outbox: upload failed, will retry", "message", id, "attempt", attempts, "retry_at", next, "err", err)
		if err := w.Store.OutboxUploadRetry(ctx, id, next.UnixMilli(), err.Error()); err != nil {
			w.Log.Error("outbox: schedule upload retry", "message", id, "err", err)
		}
	case errors.Is(err, whatsapp.ErrInvalidMessage):
		w.fail(ctx, id, 0, "File refused before uploading", err.Error())
	case errors.As(err, &apiError):
		detail := "WhatsApp refused the file."
		if apiError.Details != "" {
			detail = "WhatsApp refused the file: " + apiError.Details
		}
		w.fail(ctx, id, apiError.Code, apiError.Title, detail)
	default:
		w.fail(ctx, id, 0, "Could not upload the file", fmt.Sprintf("Gave up after %d attempts: %v", attempts, err))
	}
}

func (w *Worker) fail(ctx context.Context, id int64, code int, title, detail string) {
	var message store.Message
	if !w.persist("record failure", id, func() (err error) {
		message, err = w.Store.OutboxFailed(ctx, id, code, title, detail, w.Now().UnixMilli())
		return err
	}) {
		return
	}
	w.Log.Warn("outbound message failed", "message", id, "code", code, "title", title)
	w.publish(ctx, message)
}

func (w *Worker) publish(ctx context.Context, message store.Message) {
	interaction, err := w.Store.InteractionByID(ctx, message.InteractionID)
	if err != nil || interaction.AgentID == 0 {
		return
	}
	w.Bus.Publish(events.UserTopic(interaction.AgentID), events.Event{Kind: events.MessageChanged, InteractionID: interaction.ID, MessageID: message.ID})
}

// Backoff is the pause before attempt n+1: 1 s doubling to at most 5 minutes.
func Backoff(attempt int) time.Duration {
	d := time.Second << min(attempt-1, 9)
	return min(d, 5*time.Minute)
}

// Outbound builds the Cloud API message for a stored outbound message: a notification, interactive message
// or response file from the content kept in its payload; an attached file by its uploaded media id, with the
// caption where WhatsApp shows one and the file name on documents; otherwise text.
func Outbound(item store.OutboxItem) (whatsapp.OutboundMessage, error) {
	m := item.Message
	if content, ok := notify.DecodeContent(m.Payload); ok {
		message := content.Message
		message.To = item.RecipientWAID
		if content.FileID != 0 {
			slot := message.MediaSlot()
			if slot == nil {
				return whatsapp.OutboundMessage{}, fmt.Errorf("outbox: message %d: %w: a file but no place for it", m.ID, whatsapp.ErrInvalidMessage)
			}
			if m.MediaID == "" {
				return whatsapp.OutboundMessage{}, fmt.Errorf("outbox: message %d: its file is not uploaded yet", m.ID)
			}
			slot.ID = m.MediaID
		}
		return message, nil
	}
	if !isFileKind(m.Kind) {
		return whatsapp.NewText(item.RecipientWAID, m.Body), nil
	}
	media := whatsapp.OutboundMedia{ID: m.MediaID}
	if m.Kind != whatsapp.MessageTypeAudio {
		media.Caption = m.Body
	}
	if m.Kind == whatsapp.MessageTypeDocument {
		media.Filename = m.MediaFilename
	}
	return whatsapp.NewMedia(item.RecipientWAID, m.Kind, media)
}
