package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// config is everything Switchboard reads at start, from flags or SWITCHBOARD_* environment variables (a flag
// wins over the variable).
type config struct {
	Addr          string
	DataDir       string
	AdminPassword string
	APIBase       string // empty runs the built-in simulator
	APIVersion    string
	AccessToken   string
	AppSecret     string
	VerifyToken   string
	// BusinessAccountID is the WhatsApp Business Account notifications are registered with as templates;
	// empty keeps them in Switchboard only.
	BusinessAccountID string
	Numbers           []businessNumber
	Demo              bool
	SecureCookies     bool
	LogLevel          slog.Level
}

type businessNumber struct {
	PhoneNumberID string
	DisplayNumber string
}

// Simulated reports whether the built-in WhatsApp simulator stands in for Meta.
func (c config) Simulated() bool { return c.APIBase == "" }

const defaultSimulatorNumbers = "100000000000001=+1 555 010 0001"

// loadConfig parses args (without the program name) over the environment.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs := flag.NewFlagSet("switchboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", env("SWITCHBOARD_ADDR", "127.0.0.1:8080"), "listen address `host:port` (SWITCHBOARD_ADDR)")
	dataDir := fs.String("data", env("SWITCHBOARD_DATA_DIR", "./data"), "directory for the SQLite database and keys (SWITCHBOARD_DATA_DIR)")
	apiBase := fs.String("wa-api-base", env("SWITCHBOARD_WA_API_BASE", ""), "WhatsApp Cloud API base URL, e.g. https://graph.facebook.com; empty runs the built-in simulator (SWITCHBOARD_WA_API_BASE)")
	apiVersion := fs.String("wa-api-version", env("SWITCHBOARD_WA_API_VERSION", "v21.0"), "Graph API version (SWITCHBOARD_WA_API_VERSION)")
	numbers := fs.String("wa-numbers", env("SWITCHBOARD_WA_NUMBERS", ""), "business numbers as phone_number_id=display_number, comma-separated (SWITCHBOARD_WA_NUMBERS)")
	businessAccount := fs.String("wa-business-account-id", env("SWITCHBOARD_WA_BUSINESS_ACCOUNT_ID", ""), "WhatsApp Business Account id that notifications are registered with as message templates (SWITCHBOARD_WA_BUSINESS_ACCOUNT_ID)")
	demo := fs.Bool("demo", env("SWITCHBOARD_DEMO", "") == "true", "seed demo agents, contacts and past conversations on an empty database (SWITCHBOARD_DEMO=true)")
	secure := fs.Bool("secure-cookies", env("SWITCHBOARD_SECURE_COOKIES", "") == "true", "mark cookies Secure; set when serving over HTTPS (SWITCHBOARD_SECURE_COOKIES=true)")
	logLevel := fs.String("log-level", env("SWITCHBOARD_LOG_LEVEL", "info"), "debug, info, warn or error (SWITCHBOARD_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := config{
		Addr:              *addr,
		DataDir:           *dataDir,
		AdminPassword:     getenv("SWITCHBOARD_ADMIN_PASSWORD"),
		APIBase:           strings.TrimRight(*apiBase, "/"),
		APIVersion:        *apiVersion,
		AccessToken:       getenv("SWITCHBOARD_WA_ACCESS_TOKEN"),
		AppSecret:         getenv("SWITCHBOARD_WA_APP_SECRET"),
		VerifyToken:       getenv("SWITCHBOARD_WA_VERIFY_TOKEN"),
		BusinessAccountID: strings.TrimSpace(*businessAccount),
		Demo:              *demo,
		SecureCookies:     *secure,
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return config{}, fmt.Errorf("SWITCHBOARD_LOG_LEVEL: %q is not debug, info, warn or error", *logLevel)
	}
	rawNumbers := *numbers
	if rawNumbers == "" && cfg.Simulated() {
		rawNumbers = defaultSimulatorNumbers
	}
	var err error
	if cfg.Numbers, err = parseNumbers(rawNumbers); err != nil {
		return config{}, err
	}
	if cfg.Simulated() {
		// The simulator and Switchboard share these secrets inside one process; fresh ones per run are fine.
		cfg.AppSecret = firstNonEmpty(cfg.AppSecret, randomHex(32))
		cfg.VerifyToken = firstNonEmpty(cfg.VerifyToken, randomHex(16))
		cfg.AccessToken = firstNonEmpty(cfg.AccessToken, randomHex(24))
	}
	return cfg, cfg.Validate()
}

var (
	phoneNumberIDPattern = regexp.MustCompile(`^[0-9]{1,30}$`)
	apiVersionPattern    = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)
)

func parseNumbers(raw string) ([]businessNumber, error) {
	var list []businessNumber
	for _, item := range strings.Split(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, display, ok := strings.Cut(item, "=")
		id, display = strings.TrimSpace(id), strings.TrimSpace(display)
		if !ok || !phoneNumberIDPattern.MatchString(id) || display == "" {
			return nil, fmt.Errorf("SWITCHBOARD_WA_NUMBERS: %q is not phone_number_id=display_number (the id is the numeric id Meta shows for the number)", item)
		}
		list = append(list, businessNumber{PhoneNumberID: id, DisplayNumber: display})
	}
	return list, nil
}

// Validate explains the first problem that would stop Switchboard from working.
func (c config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_ADDR: %q is not host:port", c.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("SWITCHBOARD_ADDR: port %q is not a number from 0 to 65535", port)
	}
	_ = host
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("SWITCHBOARD_DATA_DIR: must not be empty")
	}
	if c.BusinessAccountID != "" && !phoneNumberIDPattern.MatchString(c.BusinessAccountID) {
		return fmt.Errorf("SWITCHBOARD_WA_BUSINESS_ACCOUNT_ID: %q is not the numeric id Meta shows for the account", c.BusinessAccountID)
	}
	if !apiVersionPattern.MatchString(c.APIVersion) {
		return fmt.Errorf("SWITCHBOARD_WA_API_VERSION: %q is not like v21.0", c.APIVersion)
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 10 {
		return errors.New("SWITCHBOARD_ADMIN_PASSWORD: must be at least 10 characters")
	}
	if c.Simulated() {
		return nil
	}
	base, err := url.Parse(c.APIBase)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return fmt.Errorf("SWITCHBOARD_WA_API_BASE: %q is not an http(s) URL", c.APIBase)
	}
	var missing []string
	if c.AccessToken == "" {
		missing = append(missing, "SWITCHBOARD_WA_ACCESS_TOKEN")
	}
	if c.AppSecret == "" {
		missing = append(missing, "SWITCHBOARD_WA_APP_SECRET (webhook signatures cannot be checked without it)")
	}
	if c.VerifyToken == "" {
		missing = append(missing, "SWITCHBOARD_WA_VERIFY_TOKEN")
	}
	if len(c.Numbers) == 0 {
		missing = append(missing, "SWITCHBOARD_WA_NUMBERS")
	}
	if len(missing) > 0 {
		return fmt.Errorf("with SWITCHBOARD_WA_API_BASE set, these must be set too: %s", strings.Join(missing, ", "))
	}
	return nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
