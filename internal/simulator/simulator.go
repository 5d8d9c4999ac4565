// Package simulator is a stand-in for Meta's WhatsApp Cloud API, used when no real
// WhatsApp account is configured. It answers the messages endpoint with Meta's JSON,
// posts signed webhooks to the product exactly as Meta does, and offers a "customer
// phone" page plus a JSON API so that people, tests and load generators can play the
// customer.
//
// It deliberately imports no other switchboard package: it is a second, independent
// reading of Meta's documentation, so a wire-format mistake in internal/whatsapp shows
// up as a disagreement instead of being mirrored on both sides.
package simulator

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// BusinessNumber is one WhatsApp business phone number owned by the simulated account.
type BusinessNumber struct {
	// PhoneNumberID is the Graph object id used in API paths and webhook metadata.
	PhoneNumberID string
	// DisplayNumber is the number as people read it, e.g. "+1 555 010 0001".
	DisplayNumber string
}

// Config says where the simulator sends webhooks and what the fake account owns.
type Config struct {
	// WebhookURL is where webhooks are posted, e.g. http://127.0.0.1:8080/webhooks/whatsapp.
	WebhookURL string
	// AppSecret is the HMAC-SHA256 key for the X-Hub-Signature-256 header of every webhook.
	AppSecret string
	// AccessToken, when non-empty, must be presented as "Authorization: Bearer <token>"
	// on the messages endpoint.
	AccessToken string
	// Numbers are the business numbers this fake account owns.
	Numbers []BusinessNumber
	// StatusDelay is the pause between an accepted send and its "sent" webhook, and
	// between "sent" and "delivered". Zero means 150ms.
	StatusDelay time.Duration
	// BasePath is the mount prefix used to build links; empty means "/sim".
	BasePath string
	// MediaDir is where uploaded and customer files are kept while the simulator runs; its contents are
	// removed at start and by Close. Empty means a new temporary directory.
	MediaDir string
}

const (
	defaultStatusDelay = 150 * time.Millisecond
	defaultBasePath    = "/sim"

	// accountID is the WhatsApp Business Account id put in every webhook entry. The
	// product is configured with phone number ids, not this, so a fixed value will do.
	accountID = "102290129340398"

	// closeGracePeriod bounds how long Close waits for in-flight webhooks before
	// abandoning them, so shutdown cannot hang on a product that stopped answering.
	closeGracePeriod = 3 * time.Second
)

// Simulator is the in-memory fake WhatsApp account. Create it with New, attach it
// with Mount and stop it with Close.
type Simulator struct {
	config Config
	logger *slog.Logger
	client *http.Client

	// Retry schedule for webhook delivery; fields rather than constants so tests can
	// make retries quick.
	retryBaseDelay   time.Duration
	retryMaxDelay    time.Duration
	retryMaxAttempts int

	// deliveryContext is cancelled when Close gives up waiting, aborting requests
	// still in flight to the product.
	deliveryContext context.Context
	cancelDelivery  context.CancelFunc
	closing         chan struct{}
	closeOnce       sync.Once
	background      sync.WaitGroup

	mu    sync.Mutex
	state state

	mediaOnce      sync.Once
	mediaDir       string
	mediaErr       error
	mediaTemporary bool
}

// New builds a simulator from cfg. Missing optional settings get their defaults.
func New(cfg Config, logger *slog.Logger) *Simulator {
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.StatusDelay == 0 {
		cfg.StatusDelay = defaultStatusDelay
	}
	if cfg.StatusDelay < 0 {
		cfg.StatusDelay = 0
	}
	cfg.BasePath = strings.TrimRight(cfg.BasePath, "/")
	if cfg.BasePath == "" {
		cfg.BasePath = defaultBasePath
	}
	cfg.Numbers = append([]BusinessNumber(nil), cfg.Numbers...)
	deliveryContext, cancel := context.WithCancel(context.Background())
	return &Simulator{
		config:           cfg,
		logger:           logger.With("component", "simulator"),
		client:           &http.Client{Timeout: 10 * time.Second},
		retryBaseDelay:   200 * time.Millisecond,
		retryMaxDelay:    5 * time.Second,
		retryMaxAttempts: 10,
		deliveryContext:  deliveryContext,
		cancelDelivery:   cancel,
		closing:          make(chan struct{}),
		state:            newState(),
	}
}

// Mount registers every simulator route on g, which is expected to be the group
// mounted at Config.BasePath. Relative to it:
//
//	POST   /:version/:phone_number_id/messages  Cloud API messages endpoint (send, mark read)
//	POST   /:version/:phone_number_id/media     Cloud API media upload
//	POST, GET /:version/:waba_id/message_templates  register and list message templates
//	POST   /:version/:template_id               edit a registered template
//	GET    /phone                               customer picker; POST /phone/customers creates
//	GET    /phone/:wa_id                        the customer's phone screen
//	POST   /phone/:wa_id/messages               composer (htmx gets the new bubble)
//	POST   /phone/:wa_id/read                   the page marks business messages read
//	POST   /phone/:wa_id/choices                the customer taps a reply button or picks a list row
//	GET    /phone/:wa_id/events                 Server-Sent Events of new bubbles
//	POST   /api/customers/:wa_id/messages       the customer sends (?wait=1 waits for the product)
//	GET    /api/customers/:wa_id/messages       the conversation as the phone sees it
//	POST   /api/customers/:wa_id/read           the customer reads everything
//	GET    /api/sent                            every accepted business message, with its request
//	GET, POST, DELETE /api/failures             inject failures into the next sends
//	POST   /api/customers/:wa_id/media          the customer sends a file (multipart; ?wait=1)
//	POST, DELETE /api/media-failures            inject failures into media uploads, look-ups and downloads
//	POST   /api/templates/review                the reviewer approves, rejects, pauses, ... a template (?wait=1)
//	POST   /:version/:phone_number_id/media     Cloud API media upload (multipart)
//	GET    /:version/:media_id                  Cloud API media look-up: url, mime_type, sha256, file_size
//	GET    /files/:media_id                     the download URL a look-up gives (access token required)
//	POST   /phone/:wa_id/media                  the phone's paperclip
//	GET    /phone/:wa_id/media/:media_id        a file of the chat, as the phone shows it
//	GET    /assets/*                            the phone page's stylesheet, script and icon
func (s *Simulator) Mount(g *echo.Group) {
	g.GET("/assets/*", s.assetServe)

	g.GET("/phone", s.phoneIndexShow)
	g.POST("/phone/customers", s.phoneCustomerCreate)
	g.GET("/phone/:wa_id", s.phoneChatShow)
	g.POST("/phone/:wa_id/messages", s.phoneMessageCreate)
	g.POST("/phone/:wa_id/media", s.phoneMediaCreate)
	g.GET("/phone/:wa_id/media/:media_id", s.phoneMediaShow)
	g.POST("/phone/:wa_id/read", s.phoneMessagesRead)
	g.POST("/phone/:wa_id/share", s.phoneShareCreate)
	g.POST("/phone/:wa_id/react", s.phoneReactionCreate)
	g.GET("/phone/:wa_id/events", s.phoneEventsStream)

	g.POST("/api/customers/:wa_id/messages", s.apiCustomerMessageCreate)
	g.GET("/api/customers/:wa_id/messages", s.apiCustomerMessagesList)
	g.POST("/api/customers/:wa_id/read", s.apiCustomerMessagesRead)
	g.GET("/api/sent", s.apiSentList)
	g.GET("/api/failures", s.apiFailuresList)
	g.POST("/api/failures", s.apiFailuresCreate)
	g.DELETE("/api/failures", s.apiFailuresClear)
	g.POST("/api/customers/:wa_id/media", s.apiCustomerMediaCreate)
	g.POST("/api/media-failures", s.apiMediaFailuresCreate)
	g.POST("/api/templates/review", s.apiTemplateReview)
	g.DELETE("/api/media-failures", s.apiMediaFailuresClear)

	g.POST("/phone/:wa_id/choices", s.phoneChoiceCreate)

	// Meta's paths; echo has no regex routes, so the version is checked in the handler.
	g.POST("/:version/:phone_number_id/messages", s.cloudMessageSend)
	g.POST("/:version/:phone_number_id/media", s.cloudMediaUpload)
	g.GET("/:version/:media_id", s.cloudMediaLookup)
	g.GET("/files/:media_id", s.cloudMediaDownload)
	g.POST("/:version/:waba_id/message_templates", s.cloudTemplateCreate)
	g.GET("/:version/:waba_id/message_templates", s.cloudTemplateList)
	g.POST("/:version/:template_id", s.cloudTemplateEdit)
}

// Close stops background work: status timers end, queued webhooks are abandoned, and
// webhooks already being posted get a bounded grace period to finish. Requests held
// by the "timeout" failure and open phone event streams are released.
func (s *Simulator) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.state.closed = true
		s.mu.Unlock()
		close(s.closing)

		finished := make(chan struct{})
		go func() {
			s.background.Wait()
			close(finished)
		}()
		select {
		case <-finished:
		case <-time.After(closeGracePeriod):
			s.logger.Warn("simulator: close: in-flight webhooks still running, cancelling them")
			s.cancelDelivery()
			<-finished
		}
		s.cancelDelivery()
		s.removeMedia()
	})
}

// isClosing reports whether Close has started.
func (s *Simulator) isClosing() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

// startBackground runs work on its own goroutine, counted so Close can wait for it.
// The caller must hold s.mu, which is what makes the closed check and the Add atomic
// with respect to Close.
func (s *Simulator) startBackground(work func()) bool {
	if s.state.closed {
		return false
	}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		work()
	}()
	return true
}

// number finds a business number by its phone number id.
func (s *Simulator) number(phoneNumberID string) (BusinessNumber, bool) {
	for _, number := range s.config.Numbers {
		if number.PhoneNumberID == phoneNumberID {
			return number, true
		}
	}
	return BusinessNumber{}, false
}

// defaultNumber is the number customers write to unless they pick another.
func (s *Simulator) defaultNumber() (BusinessNumber, bool) {
	if len(s.config.Numbers) == 0 {
		return BusinessNumber{}, false
	}
	return s.config.Numbers[0], true
}

// sleep waits for d or until Close starts; it reports whether the full time passed.
func (s *Simulator) sleep(d time.Duration) bool {
	if d <= 0 {
		return !s.isClosing()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-s.closing:
		return false
	}
}
