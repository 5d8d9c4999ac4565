package media

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/whatsapp"
	"switchboard/store"
)

// Source is the part of the Cloud API client the fetcher needs.
type Source interface {
	LookupMedia(ctx context.Context, mediaID string) (whatsapp.MediaInfo, error)
	DownloadMedia(ctx context.Context, url string) (io.ReadCloser, error)
}

// MaxFetchAttempts bounds how often a file is tried (about an hour and a half of backoff in all).
const MaxFetchAttempts = 16

// Fetcher downloads the files customers send. Intake stores the message at once with its attachment
// pending, so text is never held up by media; the fetcher then looks each file up, downloads it with the
// access token, checks its SHA-256 and stores it, retrying with backoff while WhatsApp or the network fails.
// Every change is published so the agent's transcript updates live.
type Fetcher struct {
	Store  *store.Store
	Bus    events.Bus
	Files  *Files
	Source Source
	Log    *slog.Logger
	Now    func() time.Time
	// Timeout bounds one attempt (look-up and download).
	Timeout time.Duration
	// Backoff is the pause before attempt n+1.
	Backoff func(attempt int) time.Duration
	kick    chan struct{}
}

// NewFetcher returns a fetcher with the default timeout and backoff.
func NewFetcher(st *store.Store, bus events.Bus, files *Files, source Source, log *slog.Logger, now func() time.Time) *Fetcher {
	return &Fetcher{Store: st, Bus: bus, Files: files, Source: source, Log: log, Now: now, Timeout: 10 * time.Minute,
		Backoff: FetchBackoff, kick: make(chan struct{}, 1)}
}

// FetchBackoff is 1 s doubling to at most 15 minutes. Meta's download URLs last minutes, but every attempt
// looks the media id up afresh, and the id stays valid for weeks.
func FetchBackoff(attempt int) time.Duration {
	return min(time.Second<<min(attempt-1, 10), 15*time.Minute)
}

// Kick says a file is waiting; it never blocks.
func (f *Fetcher) Kick() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// Run fetches due files until ctx ends.
func (f *Fetcher) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		f.Drain(ctx)
		wait := time.Minute
		if next, err := f.Store.NextMediaFetch(context.WithoutCancel(ctx)); err == nil && next > 0 {
			wait = time.Until(time.UnixMilli(next))
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return
		case <-f.kick:
		case <-timer.C:
		}
	}
}

// Drain fetches every file due now, one at a time, and returns when none is due or ctx ends.
func (f *Fetcher) Drain(ctx context.Context) {
	for ctx.Err() == nil {
		due, err := f.Store.DueMediaFetches(ctx, f.Now().UnixMilli(), 8)
		if err != nil {
			if ctx.Err() == nil {
				f.Log.Error("media: read due fetches", "err", err)
			}
			return
		}
		if len(due) == 0 {
			return
		}
		for _, item := range due {
			if ctx.Err() != nil {
				return
			}
			f.fetch(ctx, item)
		}
	}
}

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ error }

// fetch makes one attempt and records its outcome, which outlives ctx so a shutdown mid-download still
// leaves a consistent schedule.
func (f *Fetcher) fetch(ctx context.Context, item store.MediaFetch) {
	record := context.WithoutCancel(ctx)
	attemptCtx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	staged, typ, err := f.download(attemptCtx, item.MediaID)
	if err == nil {
		err = f.keep(record, item, staged, typ)
	}
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down: the attempt did not count
		}
		f.failed(record, item, err)
		return
	}
	f.publish(record, item)
}

// download looks the file up, streams it into staging and checks it against what WhatsApp reported.
func (f *Fetcher) download(ctx context.Context, mediaID string) (*Staged, Type, error) {
	if mediaID == "" {
		return nil, Type{}, permanentError{errors.New("the message names no media id")}
	}
	info, err := f.Source.LookupMedia(ctx, mediaID)
	if err != nil {
		if apiError, ok := errors.AsType[*whatsapp.APIError](err); ok && !apiError.Transient() && apiError.HTTPStatus != 401 && apiError.HTTPStatus != 403 {
			return nil, Type{}, permanentError{err}
		}
		return nil, Type{}, err
	}
	if info.FileSize >= MaxFileSize {
		return nil, Type{}, permanentError{fmt.Errorf("the file is %s, more than Switchboard keeps", FormatSize(info.FileSize))}
	}
	body, err := f.Source.DownloadMedia(ctx, info.URL)
	if errors.Is(err, whatsapp.ErrUntrustedMediaURL) {
		return nil, Type{}, permanentError{err}
	}
	if err != nil {
		return nil, Type{}, err
	}
	defer body.Close()
	staged, err := f.Files.Stage(body, MaxFileSize-1)
	if errors.Is(err, ErrTooLarge) {
		return nil, Type{}, permanentError{errors.New("the file is larger than Switchboard keeps")}
	}
	if err != nil {
		return nil, Type{}, err
	}
	if want, ok := info.SHA256Bytes(); ok {
		got, _ := hex.DecodeString(staged.SHA256)
		if !bytes.Equal(got, want) {
			staged.Discard()
			return nil, Type{}, fmt.Errorf("the download does not match its SHA-256 (%d bytes received)", staged.Size)
		}
	}
	if info.FileSize > 0 && staged.Size != info.FileSize {
		staged.Discard()
		return nil, Type{}, fmt.Errorf("the download has %d bytes, WhatsApp announced %d", staged.Size, info.FileSize)
	}
	typ, err := Detect(staged, staged.Size)
	if _, unknown := errors.AsType[*UnsupportedError](err); unknown || errors.Is(err, ErrEmpty) {
		// Customers' files are kept whatever they are; an unknown kind is only offered as a download.
		typ, err = Type{MIME: "application/octet-stream"}, nil
	}
	if err != nil {
		staged.Discard()
		return nil, Type{}, err
	}
	return staged, typ, nil
}

// keep moves a checked download into storage and records it.
func (f *Fetcher) keep(ctx context.Context, item store.MediaFetch, staged *Staged, typ Type) error {
	if _, err := staged.Commit(); err != nil {
		return err
	}
	return f.Store.MediaFetched(ctx, item.MessageID, staged.SHA256, staged.Size, typ.MIME, typ.Name)
}

func (f *Fetcher) failed(ctx context.Context, item store.MediaFetch, cause error) {
	attempts := item.Attempts + 1
	_, permanent := errors.AsType[permanentError](cause)
	gaveUp := permanent || attempts >= MaxFetchAttempts
	next := f.Now().Add(f.Backoff(attempts))
	if err := f.Store.MediaFetchFailed(ctx, item.MessageID, cause.Error(), next.UnixMilli(), gaveUp); err != nil {
		f.Log.Error("media: record failed fetch", "message", item.MessageID, "err", err)
		return
	}
	if gaveUp {
		f.Log.Warn("media: gave up fetching", "message", item.MessageID, "media_id", item.MediaID, "attempts", attempts, "err", cause)
	} else {
		f.Log.Warn("media: fetch failed, will retry", "message", item.MessageID, "media_id", item.MediaID, "attempt", attempts, "retry_at", next, "err", cause)
	}
	// Only the first failure changes what the agent sees ("unavailable — retrying"); later ones do not.
	if item.State == store.AttachmentPending || gaveUp {
		f.publish(ctx, item)
	}
}

func (f *Fetcher) publish(ctx context.Context, item store.MediaFetch) {
	interaction, err := f.Store.InteractionByID(ctx, item.InteractionID)
	if err != nil || interaction.AgentID == 0 {
		return
	}
	f.Bus.Publish(events.UserTopic(interaction.AgentID), events.Event{Kind: events.MessageChanged, InteractionID: interaction.ID, MessageID: item.MessageID})
}
