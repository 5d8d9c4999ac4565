// Command mediabench measures how Switchboard moves large files and how much memory that takes. It starts a
// Switchboard binary (with the built-in simulator) on a fresh data directory, signs in, gets an interaction,
// and then times, for one file of -size MB:
//
//   - upload: the agent's browser posting the file (received, hashed, type-checked, stored, queued);
//   - send: the outbox uploading it to the Cloud API media endpoint and sending it by id;
//   - download: the agent's Save as;
//   - receive: a customer sending it, through look-up, authenticated download, SHA-256 check and storage.
//
// While each step runs it samples the server's resident memory (VmRSS in /proc/PID/status, every 10 ms) and
// reports the peak above the idle baseline, with the kernel's own high-water mark (VmHWM). Linux only.
//
//	go build -o /tmp/switchboard ./cmd/switchboard
//	go run ./cmd/mediabench -server /tmp/switchboard -size 50
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mediabench:", err)
		os.Exit(1)
	}
}

const (
	password = "mediabench-password"
	customer = "447700900777"
)

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("mediabench", flag.ContinueOnError)
	server := fs.String("server", "", "path to a built switchboard binary (go build -o /tmp/switchboard ./cmd/switchboard)")
	sizeMB := fs.Int("size", 50, "file size in MB (below 100)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *server == "" {
		return errors.New("-server is required")
	}
	if *sizeMB <= 0 || *sizeMB >= 100 {
		return errors.New("-size must be 1 to 99")
	}
	work, err := os.MkdirTemp("", "mediabench-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	app, err := startServer(*server, filepath.Join(work, "data"))
	if err != nil {
		return err
	}
	defer app.stop()
	file := filepath.Join(work, "catalogue.pdf")
	sum, size, err := writePDF(file, int64(*sizeMB)<<20)
	if err != nil {
		return err
	}

	b, err := newBrowser(app.url)
	if err != nil {
		return err
	}
	if err := b.login("admin"); err != nil {
		return err
	}
	if err := b.form("/admin/settings", url.Values{"interaction.auto-answer": {"true"}}); err != nil {
		return err
	}
	if err := b.htmx("/presence", url.Values{"ready": {"true"}}); err != nil {
		return err
	}
	if err := postJSON(app.url+"/sim/api/customers/"+customer+"/messages?wait=1", `{"name":"Bench","text":"please send the catalogue"}`); err != nil {
		return err
	}
	interactionID, err := b.waitFor(`data-interaction-id="(\d+)"`)
	if err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond) // let the server settle before the baseline
	baseline, err := app.memory()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Switchboard %s, file %s (%d bytes), server idle RSS %.1f MB\n\n", app.url, filepath.Base(file), size, mb(baseline.rss))

	var messageID string
	upload := app.measure("upload (browser → Switchboard)", size, func() error {
		messageID, err = b.upload(interactionID, file, size)
		return err
	})
	send := app.measure("send (Switchboard → Cloud API media endpoint, then message)", size, func() error {
		return waitUntil(2*time.Minute, func() (bool, error) { return app.sentCount() })
	})
	download := app.measure("download (Save as)", size, func() error {
		got, n, err := b.download("/attachments/" + messageID + "/file?download=1")
		if err != nil {
			return err
		}
		if got != sum || n != size {
			return fmt.Errorf("download differs: %d bytes, sha256 %s", n, got)
		}
		return nil
	})
	receive := app.measure("receive (customer → look-up, download, check, store)", size, func() error {
		if err := app.customerSends(file); err != nil {
			return err
		}
		return waitUntil(2*time.Minute, func() (bool, error) {
			page, err := b.get("/")
			return strings.Count(page, `data-state="stored"`) >= 2, err
		})
	})
	for _, step := range []result{upload, send, download, receive} {
		if step.err != nil {
			return fmt.Errorf("%s: %w", step.name, step.err)
		}
		fmt.Fprintf(out, "%-62s %6.2f s %8.1f MB/s   peak RSS %6.1f MB (+%.1f MB over idle)\n",
			step.name, step.elapsed.Seconds(), mb(size)/step.elapsed.Seconds(), mb(step.peak), mb(step.peak-baseline.rss))
	}
	final, err := app.memory()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nkernel high-water mark of the server process (VmHWM, whole run): %.1f MB\n", mb(final.hwm))
	return nil
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// writePDF writes a PDF of exactly size bytes (a header, then comment lines) and returns its SHA-256.
func writePDF(path string, size int64) (string, int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	hasher := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, hasher), 1<<20)
	header := "%PDF-1.4\n"
	trailer := "\n%%EOF\n"
	w.WriteString(header)
	line := []byte("%" + strings.Repeat("0123456789abcdef", 8) + "\n")
	remaining := size - int64(len(header)+len(trailer))
	for remaining > int64(len(line)) {
		w.Write(line)
		remaining -= int64(len(line))
	}
	w.Write(bytes.Repeat([]byte("%"), int(remaining)))
	w.WriteString(trailer)
	if err := w.Flush(); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(hasher.Sum(nil)), size, nil
}

type server struct {
	cmd  *exec.Cmd
	url  string
	pid  int
	done chan struct{}
}

func startServer(binary, dataDir string) (*server, error) {
	cmd := exec.Command(binary, "-addr", "127.0.0.1:0", "-data", dataDir, "-log-level", "warn")
	cmd.Env = append(os.Environ(), "SWITCHBOARD_ADMIN_PASSWORD="+password)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, pid: cmd.Process.Pid, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		defer close(s.done)
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if address, ok := strings.CutPrefix(scanner.Text(), "Switchboard is running at "); ok {
				found <- strings.TrimSpace(address)
			}
		}
	}()
	select {
	case s.url = <-found:
		return s, nil
	case <-time.After(20 * time.Second):
		s.stop()
		return nil, errors.New("the server did not start within 20 s")
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
	_ = s.cmd.Wait()
}

type memory struct{ rss, hwm int64 }

// memory reads the server's resident set and its high-water mark.
func (s *server) memory() (memory, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return memory{}, fmt.Errorf("read memory (Linux only): %w", err)
	}
	var m memory
	for _, line := range strings.Split(string(status), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			m.rss = kb << 10
		case "VmHWM:":
			m.hwm = kb << 10
		}
	}
	return m, nil
}

type result struct {
	name    string
	elapsed time.Duration
	peak    int64
	err     error
}

// measure runs step while sampling the server's memory every 10 ms.
func (s *server) measure(name string, size int64, step func() error) result {
	var peak int64
	var mu sync.Mutex
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		ticker := time.NewTicker(10 * time.Millisecond)
		defer ticker.Stop()
		for {
			if m, err := s.memory(); err == nil {
				mu.Lock()
				peak = max(peak, m.rss)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	}()
	started := time.Now()
	err := step()
	elapsed := time.Since(started)
	close(stop)
	<-sampled
	return result{name: name, elapsed: elapsed, peak: peak, err: err}
}

func (s *server) sentCount() (bool, error) {
	response, err := http.Get(s.url + "/sim/api/sent")
	if err != nil {
		return false, err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	// A message is listed once the Cloud API accepted it, which needs the upload done first.
	return strings.Contains(string(body), `"type":"document"`), err
}

// customerSends streams the file from disk to the simulator's customer API.
func (s *server) customerSends(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	body, contentType, length := streamedForm(nil, "catalogue.pdf", "application/pdf", f, info.Size())
	request, err := http.NewRequest(http.MethodPost, s.url+"/sim/api/customers/"+customer+"/media?wait=1", body)
	if err != nil {
		return err
	}
	request.ContentLength = length
	request.Header.Set("Content-Type", contentType)
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusAccepted {
		answer, _ := io.ReadAll(response.Body)
		return fmt.Errorf("customer file: %s %s", response.Status, answer)
	}
	return nil
}

// streamedForm frames a file as a multipart form without reading it into memory.
func streamedForm(fields [][2]string, name, contentType string, content io.Reader, size int64) (io.Reader, string, int64) {
	var head bytes.Buffer
	form := multipart.NewWriter(&head)
	for _, field := range fields {
		form.WriteField(field[0], field[1])
	}
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	header.Set("Content-Type", contentType)
	form.CreatePart(header)
	prefix := append([]byte(nil), head.Bytes()...)
	head.Reset()
	form.Close()
	suffix := head.Bytes()
	return io.MultiReader(bytes.NewReader(prefix), content, bytes.NewReader(suffix)), form.FormDataContentType(), int64(len(prefix)) + size + int64(len(suffix))
}

func postJSON(target, body string) error {
	response, err := http.Post(target, "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode >= 300 {
		answer, _ := io.ReadAll(response.Body)
		return fmt.Errorf("POST %s: %s %s", target, response.Status, answer)
	}
	return nil
}

func waitUntil(limit time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := done()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// browser is a signed-in session: a cookie jar and the CSRF token from its cookie.
type browser struct {
	base   string
	client *http.Client
}

func newBrowser(base string) (*browser, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	return &browser{base: base, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

func (b *browser) csrf() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "switchboard_csrf" {
			return c.Value
		}
	}
	return ""
}

func (b *browser) get(path string) (string, error) {
	response, err := b.client.Get(b.base + path)
	if err != nil {
		return "", err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	return string(body), err
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) login(username string) error {
	page, err := b.get("/login")
	if err != nil {
		return err
	}
	token := csrfField.FindStringSubmatch(page)
	if token == nil {
		return errors.New("the login page has no CSRF field")
	}
	response, err := b.client.PostForm(b.base+"/login", url.Values{"username": {username}, "password": {password}, "_csrf": {token[1]}})
	if err != nil {
		return err
	}
	response.Body.Close()
	if response.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("login: %s", response.Status)
	}
	return nil
}

func (b *browser) form(path string, values url.Values) error {
	values.Set("_csrf", b.csrf())
	response, err := b.client.PostForm(b.base+path, values)
	if err != nil {
		return err
	}
	response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, response.Status)
	}
	return nil
}

func (b *browser) htmx(path string, values url.Values) error {
	request, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(values.Encode()))
	if err != nil {
		return err
	}
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	request.Header.Set("HX-Request", "true")
	request.Header.Set("X-CSRF-Token", b.csrf())
	response, err := b.client.Do(request)
	if err != nil {
		return err
	}
	response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, response.Status)
	}
	return nil
}

// waitFor polls the workspace until pattern matches and returns its first group.
func (b *browser) waitFor(pattern string) (string, error) {
	re := regexp.MustCompile(pattern)
	var found string
	err := waitUntil(20*time.Second, func() (bool, error) {
		page, err := b.get("/")
		if match := re.FindStringSubmatch(page); match != nil {
			found = match[1]
			return true, nil
		}
		return false, err
	})
	return found, err
}

var messageIDPattern = regexp.MustCompile(`id="message-(\d+)"[^>]*data-kind="document"`)

// upload posts the file as the composer does and returns the new message's id.
func (b *browser) upload(interactionID, path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	body, contentType, length := streamedForm([][2]string{{"text", "The catalogue"}}, filepath.Base(path), "application/pdf", f, size)
	request, err := http.NewRequestWithContext(context.Background(), http.MethodPost, b.base+"/interactions/"+interactionID+"/attachments", body)
	if err != nil {
		return "", err
	}
	request.ContentLength = length
	request.Header.Set("Content-Type", contentType)
	request.Header.Set("HX-Request", "true")
	request.Header.Set("X-CSRF-Token", b.csrf())
	response, err := b.client.Do(request)
	if err != nil {
		return "", err
	}
	defer response.Body.Close()
	answer, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusOK {
		return "", fmt.Errorf("upload: %s %.300s", response.Status, answer)
	}
	match := messageIDPattern.FindSubmatch(answer)
	if match == nil {
		return "", errors.New("the upload's answer shows no document message")
	}
	return string(match[1]), nil
}

// download reads a file to the end and returns its SHA-256 and length.
func (b *browser) download(path string) (string, int64, error) {
	response, err := b.client.Get(b.base + path)
	if err != nil {
		return "", 0, err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("GET %s: %s", path, response.Status)
	}
	hasher := sha256.New()
	n, err := io.Copy(hasher, response.Body)
	return hex.EncodeToString(hasher.Sum(nil)), n, err
}
