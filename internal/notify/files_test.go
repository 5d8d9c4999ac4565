package notify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"switchboard/internal/interaction"
	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/notify"
	"switchboard/store"
)

// storedFiles lists what media storage holds, in tmp/ and as kept files.
func storedFiles(t *testing.T, files *media.Files) (temporary, kept []string) {
	t.Helper()
	err := filepath.WalkDir(files.Dir(), func(path string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() {
			return err
		}
		if filepath.Dir(path) == files.TempDir() {
			temporary = append(temporary, entry.Name())
		} else {
			kept = append(kept, entry.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return temporary, kept
}

// storedBytes reads the file media storage keeps under sum.
func storedBytes(t *testing.T, files *media.Files, sum string) []byte {
	t.Helper()
	file, err := files.Open(sum)
	if err != nil {
		t.Fatalf("open %s: %v", sum, err)
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		t.Fatal(err)
	}
	return content
}

func count(t *testing.T, st *store.Store, query string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func hexSum(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// fileResponses saves a text response, which can have attachments, and reply buttons with an image header.
func fileResponses(t *testing.T, s *notify.Service) (text, imageHeader int64) {
	t.Helper()
	ctx := context.Background()
	categories, _ := s.Store.ResponseCategories(ctx)
	text, _, err := s.SaveResponse(ctx, notify.ResponseInput{CategoryID: categories[0].ID, Name: "Terms", Kind: notify.KindText, Body: "Terms", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	imageHeader, _, err = s.SaveResponse(ctx, notify.ResponseInput{CategoryID: categories[0].ID, Name: "Dress", Kind: notify.KindButtons, Active: true,
		Definition: notify.Definition{Buttons: &notify.ReplyButtons{Header: notify.Header{Format: notify.HeaderImage}, Body: "Like it?", Buttons: []string{"Yes", "No"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return text, imageHeader
}

// TestResponseFilesLandInMediaStorage: a response's attachment, its header file and an agent's header
// upload are kept in media storage under their SHA-256, their type found from their content; the
// database only describes them.
func TestResponseFilesLandInMediaStorage(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	terms, buttons := fileResponses(t, s)
	pdf := mediatest.PDF(300_000)
	file, err := s.AddAttachment(ctx, terms, "../Terms\u202e.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if file.Filename != "Terms[U+202E].pdf" || file.MIME != "application/pdf" || file.Size != int64(len(pdf)) || file.SHA256 != hexSum(pdf) {
		t.Errorf("attachment %+v", file)
	}
	if !bytes.Equal(storedBytes(t, s.Files, file.SHA256), pdf) {
		t.Error("media storage holds other bytes than the attachment's")
	}
	if response, _ := s.Store.ResponseByID(ctx, terms); len(response.Attachments) != 1 || response.Attachments[0] != file {
		t.Errorf("response attachments %+v", response.Attachments)
	}

	picture := mediatest.JPEG(40, 30)
	response, err := s.SetHeaderFile(ctx, buttons, "dress.jpeg", bytes.NewReader(picture))
	if err != nil {
		t.Fatal(err)
	}
	definition, _ := notify.ParseDefinition(response.Kind, response.Definition)
	header, err := s.Store.OutboundFileByID(ctx, definition.Buttons.Header.FileID)
	if err != nil || header.MIME != "image/jpeg" || !bytes.Equal(storedBytes(t, s.Files, header.SHA256), picture) {
		t.Errorf("header file %+v %v", header, err)
	}
	agent, _ := conversation(t, s, time.Now())
	uploaded, err := s.Upload(ctx, agent, "blue.png", bytes.NewReader(mediatest.PNG(8, 8)), notify.HeaderImage)
	if err != nil || uploaded.UploadedBy != agent.ID || !s.Files.Has(uploaded.SHA256) {
		t.Errorf("agent's upload %+v %v", uploaded, err)
	}
	// The same content again is stored once.
	again, err := s.AddAttachment(ctx, terms, "copy.pdf", bytes.NewReader(pdf))
	if err != nil || again.SHA256 != file.SHA256 || again.ID == file.ID {
		t.Errorf("second copy %+v %v", again, err)
	}

	if n := count(t, s.Store, `SELECT COUNT(*) FROM pragma_table_info('outbound_files') WHERE name = 'content'`); n != 0 {
		t.Error("outbound_files still has a content column")
	}
	if n := count(t, s.Store, `SELECT COUNT(*) FROM outbound_file_moves`); n != 0 {
		t.Errorf("%d files' bytes in the database", n)
	}
	if temporary, kept := storedFiles(t, s.Files); len(temporary) != 0 || len(kept) != 3 {
		t.Errorf("media storage holds %v in tmp/ and %v", temporary, kept)
	}
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestRefusedFilesLeaveNothingBehind: a file whose content is not what WhatsApp takes, is too large or
// does not suit the header is refused with the reason, and neither a file nor a row is left.
func TestRefusedFilesLeaveNothingBehind(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	text, image := fileResponses(t, s)
	agent, _ := conversation(t, s, time.Now())
	attach := func(name string, content io.Reader) error {
		_, err := s.AddAttachment(ctx, text, name, content)
		return err
	}
	tests := []struct {
		name    string
		save    func() error
		field   string
		problem string
	}{
		{"HTML named .pdf", func() error { return attach("evil.pdf", bytes.NewReader(mediatest.HTML())) }, "attachment",
			"“evil.pdf” cannot be sent. Its name says PDF, but its content is an HTML document."},
		{"zip named .docx", func() error { return attach("letter.docx", bytes.NewReader(mediatest.Zip())) }, "attachment", "its content is"},
		{"program in a zip named .docx", func() error { return attach("letter.docx", bytes.NewReader(mediatest.JAR())) }, "attachment", "its content is"},
		{"installer named .doc", func() error { return attach("letter.doc", bytes.NewReader(mediatest.MSI())) }, "attachment", "its content is"},
		{"empty", func() error { return attach("e.pdf", bytes.NewReader(nil)) }, "attachment", "“e.pdf” is empty."},
		{"image over 5 MB", func() error { return attach("big.png", bytes.NewReader(mediatest.PaddedPNG(5*media.MB+1))) }, "attachment",
			"WhatsApp accepts JPG and PNG images up to 5 MB."},
		{"100 MB", func() error { return attach("huge.pdf", io.MultiReader(bytes.NewReader(mediatest.PDF(1000)), zeros{})) }, "attachment",
			"“huge.pdf” is too large: files must be smaller than 100 MB."},
		{"a PDF for an image header", func() error {
			_, err := s.SetHeaderFile(ctx, image, "terms.pdf", bytes.NewReader(mediatest.PDF(1000)))
			return err
		}, "header_file", "The header shows a image; terms.pdf is not one."},
		{"an agent's PNG for a video header", func() error {
			_, err := s.Upload(ctx, agent, "blue.png", bytes.NewReader(mediatest.PNG(8, 8)), notify.HeaderVideo)
			return err
		}, "header_file", "The header shows a video; blue.png is not one."},
		{"an agent's program", func() error {
			_, err := s.Upload(ctx, agent, "blue.png", bytes.NewReader(mediatest.EXE()), notify.HeaderImage)
			return err
		}, "header_file", "its content is a Windows program"},
	}
	for _, test := range tests {
		err := test.save()
		var inputError *interaction.InputError
		if !errors.As(err, &inputError) || inputError.Field != test.field || !strings.Contains(inputError.Message, test.problem) {
			t.Errorf("%s: %v, want %s: %q", test.name, err, test.field, test.problem)
		}
		if temporary, kept := storedFiles(t, s.Files); len(temporary)+len(kept) != 0 {
			t.Errorf("%s left %v in tmp/ and %v stored", test.name, temporary, kept)
		}
		if n := count(t, s.Store, `SELECT COUNT(*) FROM outbound_files`); n != 0 {
			t.Errorf("%s left %d rows", test.name, n)
		}
	}
	if response, _ := s.Store.ResponseByID(ctx, image); !strings.Contains(response.Definition, `"format":"image"`) || strings.Contains(response.Definition, "file_id") {
		t.Errorf("the refused header changed the response: %s", response.Definition)
	}
}

// oldDatabase writes a database as Switchboard left it before response files moved to media storage
// (schema version 6), with the given files' bytes in outbound_files, and returns its path.
func oldDatabase(t *testing.T, contents ...[]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "switchboard.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.Exec(query, args...); err != nil {
			t.Fatalf("%.60s: %v", query, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
	migrations, err := filepath.Glob("../../store/migrations/00[1-6]_*.sql")
	if err != nil || len(migrations) != 6 {
		t.Fatalf("migrations %v %v", migrations, err)
	}
	sort.Strings(migrations)
	for i, name := range migrations {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(body))
		exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)`, i+1, filepath.Base(name))
	}
	for i, content := range contents {
		exec(`INSERT INTO outbound_files (filename, mime, size, sha256, content, created_at) VALUES (?, 'application/pdf', ?, ?, ?, 1)`,
			"file"+string(rune('a'+i))+".pdf", len(content), hexSum(content), content)
	}
	// The first file is a response's attachment, as the library's files are.
	exec(`INSERT INTO response_attachments (response_id, file_id, position) SELECT MIN(id), 1, 1 FROM responses`)
	return path
}

// TestMoveFilesToMedia: the files an earlier version kept in the database are moved to media storage at
// start, byte for byte under their recorded SHA-256, and their database copy is deleted; a second run
// changes nothing; everything else about them stays.
func TestMoveFilesToMedia(t *testing.T) {
	ctx := context.Background()
	contents := [][]byte{mediatest.PDF(2000), mediatest.PDF(500_000), mediatest.PDF(2000)} // the third repeats the first
	path := oldDatabase(t, contents...)
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	files, err := media.OpenFiles(filepath.Join(filepath.Dir(path), "media"))
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, `SELECT COUNT(*) FROM outbound_file_moves`); n != 3 {
		t.Fatalf("migration kept %d files' bytes to move, want 3", n)
	}
	if n := count(t, st, `SELECT COUNT(*) FROM pragma_table_info('outbound_files') WHERE name = 'content'`); n != 0 {
		t.Error("outbound_files still has a content column")
	}

	moved, err := notify.MoveFilesToMedia(ctx, st, files)
	if err != nil || moved != 3 {
		t.Fatalf("moved %d: %v", moved, err)
	}
	for i, content := range contents {
		file, err := st.OutboundFileByID(ctx, int64(i+1))
		if err != nil || file.SHA256 != hexSum(content) || file.Size != int64(len(content)) {
			t.Fatalf("file %d: %+v %v", i+1, file, err)
		}
		if !bytes.Equal(storedBytes(t, files, file.SHA256), content) {
			t.Errorf("file %d: stored bytes differ", i+1)
		}
	}
	if n := count(t, st, `SELECT COUNT(*) FROM outbound_file_moves`); n != 0 {
		t.Errorf("%d files' bytes still in the database", n)
	}
	if ok, _ := st.IsResponseAttachment(ctx, 1); !ok {
		t.Error("the moved file is no longer the response's attachment")
	}
	temporary, kept := storedFiles(t, files)
	if len(temporary) != 0 || len(kept) != 2 {
		t.Errorf("media storage holds %v in tmp/ and %v", temporary, kept)
	}

	if moved, err := notify.MoveFilesToMedia(ctx, st, files); err != nil || moved != 0 {
		t.Errorf("second run moved %d: %v", moved, err)
	}
	if temporary, again := storedFiles(t, files); len(temporary) != 0 || strings.Join(again, ",") != strings.Join(kept, ",") {
		t.Errorf("second run changed storage: %v, %v", temporary, again)
	}
}

// TestMoveRefusesMismatchedContent: bytes that do not match the SHA-256 recorded for them stay in the
// database and the move says which file, rather than storing them where nothing will find them.
func TestMoveRefusesMismatchedContent(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t, mediatest.PDF(1000))
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().Exec(`UPDATE outbound_files SET sha256 = ?`, strings.Repeat("0", 64)); err != nil {
		t.Fatal(err)
	}
	files, err := media.OpenFiles(filepath.Join(filepath.Dir(path), "media"))
	if err != nil {
		t.Fatal(err)
	}
	if moved, err := notify.MoveFilesToMedia(ctx, st, files); err == nil || moved != 0 || !strings.Contains(err.Error(), `"filea.pdf"`) {
		t.Errorf("moved %d: %v", moved, err)
	}
	if n := count(t, st, `SELECT COUNT(*) FROM outbound_file_moves`); n != 1 {
		t.Error("the mismatched bytes left the database")
	}
	if temporary, kept := storedFiles(t, files); len(temporary)+len(kept) != 0 {
		t.Errorf("media storage holds %v in tmp/ and %v", temporary, kept)
	}
}

// TestAgentHeaderUploadFollowsAttachmentOptions: a header file an agent uploads is a file the agent sends,
// so the attachment options narrow it as they narrow the paperclip; the admin's library is not narrowed.
func TestAgentHeaderUploadFollowsAttachmentOptions(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	_, image := fileResponses(t, s)
	agent, _ := conversation(t, s, time.Now())
	if problems, err := s.Options.Update(ctx, map[string]string{"attachment.allowed-types": "PDF"}, 0); err != nil || len(problems) > 0 {
		t.Fatalf("options: %v %v", err, problems)
	}
	_, err := s.Upload(ctx, agent, "blue.png", bytes.NewReader(mediatest.PNG(8, 8)), notify.HeaderImage)
	var inputError *interaction.InputError
	if !errors.As(err, &inputError) || inputError.Field != "header_file" {
		t.Errorf("agent's PNG with only PDF allowed: %v, want a refusal", err)
	}
	if _, err := s.SetHeaderFile(ctx, image, "blue.png", bytes.NewReader(mediatest.PNG(8, 8))); err != nil {
		t.Errorf("admin's PNG header: %v", err)
	}
}
