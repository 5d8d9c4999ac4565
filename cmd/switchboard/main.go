// Command switchboard runs the Switchboard agent workspace: web UI, WhatsApp webhook intake, routing and the
// outbox, on an embedded SQLite database. With no WhatsApp account configured it also runs the built-in
// WhatsApp simulator at /sim.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // render times in any viewer's zone even where the OS has no zone database

	"switchboard/internal/events"
	"switchboard/internal/inbound"
	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/internal/notify"
	"switchboard/internal/options"
	"switchboard/internal/outbox"
	"switchboard/internal/routing"
	"switchboard/internal/simulator"
	"switchboard/internal/whatsapp"
	"switchboard/store"
	"switchboard/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "switchboard:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run starts Switchboard and serves until ctx ends, then shuts down in order: stop taking requests, drain
// the outbox, close the database.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return fmt.Errorf("configuration: %w", err)
	}
	app, err := start(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return app.shutdown()
}

// app is a running Switchboard.
type app struct {
	URL        string
	Store      *store.Store
	Options    *options.Set
	Media      *media.Files
	Responses  *notify.Service
	server     *http.Server
	simulator  *simulator.Simulator
	worker     *outbox.Worker
	fetcher    *media.Fetcher
	log        *slog.Logger
	stopWork   context.CancelFunc
	background sync.WaitGroup
	closing    chan struct{}
	serveErr   chan error
	stopOnce   sync.Once
	stopErr    error
}

// start opens the store, builds the services and begins serving; it returns once the listener is up.
func start(ctx context.Context, cfg config, stdout io.Writer) (*app, error) {
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(cfg.DataDir, "switchboard.db"))
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	opts, err := options.Load(ctx, st)
	if err != nil {
		return nil, err
	}
	adminPassword, adminCreated, err := bootstrapAdmin(ctx, st, cfg.AdminPassword)
	if err != nil {
		return nil, err
	}
	for _, n := range cfg.Numbers {
		if err := st.UpsertBusinessNumber(ctx, n.PhoneNumberID, n.DisplayNumber); err != nil {
			return nil, err
		}
	}
	demoPassword := ""
	if cfg.Demo {
		if demoPassword, err = seedDemo(ctx, st, cfg.Numbers[0].PhoneNumberID, time.Now()); err != nil {
			return nil, err
		}
	}
	cookieKey, err := loadOrCreateKey(filepath.Join(cfg.DataDir, "session.key"))
	if err != nil {
		return nil, err
	}
	files, err := media.OpenFiles(filepath.Join(cfg.DataDir, "media"))
	if err != nil {
		return nil, err
	}
	// Response files kept in the database by earlier versions join the others in media storage before
	// anything can send them.
	moved, err := notify.MoveFilesToMedia(ctx, st, files)
	if err != nil {
		return nil, err
	}
	if moved > 0 {
		log.Info("response files moved from the database to media storage", "files", moved)
	}
	listener, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	baseURL := "http://" + loopbackAddr(listener.Addr().(*net.TCPAddr))

	a := &app{URL: baseURL, Store: st, Options: opts, Media: files, log: log, closing: make(chan struct{}), serveErr: make(chan error, 1)}
	apiBase := cfg.APIBase
	var mounted web.Mounter
	if cfg.Simulated() {
		numbers := make([]simulator.BusinessNumber, len(cfg.Numbers))
		for i, n := range cfg.Numbers {
			numbers[i] = simulator.BusinessNumber{PhoneNumberID: n.PhoneNumberID, DisplayNumber: n.DisplayNumber}
		}
		a.simulator = simulator.New(simulator.Config{
			WebhookURL:  baseURL + "/webhooks/whatsapp",
			AppSecret:   cfg.AppSecret,
			AccessToken: cfg.AccessToken,
			Numbers:     numbers,
			MediaDir:    filepath.Join(cfg.DataDir, "simulator-media"),
		}, log)
		mounted = a.simulator
		apiBase = baseURL + "/sim"
		if cfg.BusinessAccountID == "" {
			cfg.BusinessAccountID = simulator.BusinessAccountID
		}
	}

	now := time.Now
	hub := events.NewHub()
	// The outbox sends to several customers at once; keep that many connections to the API open for reuse.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 8
	client := &whatsapp.Client{BaseURL: apiBase, Version: cfg.APIVersion, AccessToken: cfg.AccessToken,
		HTTP: &http.Client{Timeout: 30 * time.Second, Transport: transport}, MediaHTTP: &http.Client{Transport: transport}}
	router := routing.New(st, hub, opts, log.With("component", "routing"), now)
	a.worker = outbox.New(st, hub, client, log.With("component", "outbox"), now)
	a.worker.Uploader, a.worker.Blobs = client, files
	a.fetcher = media.NewFetcher(st, hub, files, client, log.With("component", "media"), now)
	if err := a.worker.Recover(ctx); err != nil {
		listener.Close()
		return nil, err
	}
	service := &interaction.Service{Store: st, Bus: hub, Options: opts, Router: router, Outbox: a.worker, Now: now}
	responses := &notify.Service{Store: st, Bus: hub, Options: opts, Outbox: a.worker, Files: files, Registry: client, BusinessAccountID: cfg.BusinessAccountID,
		Log: log.With("component", "notify"), Now: now}
	a.Responses = responses
	intake := &inbound.Intake{Store: st, Bus: hub, Router: router, Media: a.fetcher, BusinessAccountID: cfg.BusinessAccountID,
		Log: log.With("component", "inbound"), Now: now}
	handler := web.New(web.Deps{
		Store: st, Options: opts, Bus: hub, Interactions: service, Notify: responses, Intake: intake, Router: router, Media: files, Log: log, Now: now,
		AppSecret: []byte(cfg.AppSecret), VerifyToken: cfg.VerifyToken, CookieKey: cookieKey, SecureCookies: cfg.SecureCookies,
		Simulator: mounted, ShuttingDown: a.closing,
	})
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute, // event streams lift this for themselves
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() { a.serveErr <- a.server.Serve(listener) }()

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	a.stopWork = stopWork
	a.background.Add(4)
	go func() { defer a.background.Done(); router.Run(workCtx) }()
	go func() { defer a.background.Done(); a.worker.Run(workCtx) }()
	go func() { defer a.background.Done(); a.fetcher.Run(workCtx) }()
	go func() {
		defer a.background.Done()
		// WhatsApp (or the simulator, which forgets them when it stops) learns of notifications created
		// here; once the server is up, since the simulator answers on it.
		if err := responses.SyncTemplates(workCtx); err != nil && workCtx.Err() == nil {
			log.Warn("notification templates not synchronised with WhatsApp", "err", err)
		}
	}()
	ok = true

	fmt.Fprintf(stdout, "\nSwitchboard is running at %s\n", baseURL)
	switch {
	case adminPassword != "":
		fmt.Fprintf(stdout, "First start: log in as \"admin\" with password %s (shown only this once; change it under your name in the top bar).\n", adminPassword)
	case adminCreated:
		fmt.Fprintln(stdout, "First start: log in as \"admin\" with the password from SWITCHBOARD_ADMIN_PASSWORD.")
	default:
		fmt.Fprintln(stdout, "Log in with your username and password (the first admin is \"admin\").")
	}
	if demoPassword != "" {
		fmt.Fprintf(stdout, "Demo people: agents alice, bob, carol and supervisor sam, all with password %s\n", demoPassword)
	}
	if cfg.Simulated() {
		fmt.Fprintf(stdout, "No WhatsApp account configured: the built-in simulator is on. Play the customer at %s/sim/phone\n\n", baseURL)
	} else {
		fmt.Fprintf(stdout, "WhatsApp Cloud API at %s; webhook URL to give Meta: <public URL>/webhooks/whatsapp\n\n", cfg.APIBase)
	}
	return a, nil
}

// shutdown stops intake, finishes sends under way, drains what is due from the outbox and closes the store.
// Calling it again returns the first outcome.
func (a *app) shutdown() error {
	a.stopOnce.Do(func() { a.stopErr = a.stop() })
	return a.stopErr
}

func (a *app) stop() error {
	close(a.closing)
	if a.simulator != nil {
		a.simulator.Close()
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	serverErr := a.server.Shutdown(shutdownCtx)
	a.stopWork()
	a.background.Wait()
	drainCtx, cancelDrain := context.WithTimeout(context.Background(), 5*time.Second)
	a.worker.Drain(drainCtx)
	cancelDrain()
	if err := a.Store.Close(); err != nil {
		return err
	}
	if err := <-a.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return serverErr
}

// loopbackAddr turns a wildcard listen address into one a local client can dial.
func loopbackAddr(addr *net.TCPAddr) string {
	ip := addr.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(addr.Port))
}
