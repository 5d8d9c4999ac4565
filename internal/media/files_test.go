package media_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
)

func openFiles(t *testing.T) *media.Files {
	t.Helper()
	files, err := media.OpenFiles(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func tempEntries(t *testing.T, files *media.Files) []string {
	t.Helper()
	entries, err := os.ReadDir(files.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestStageCommitStoresUnderTheHash(t *testing.T) {
	files := openFiles(t)
	content := mediatest.PDF(10_000)
	staged, err := files.Stage(bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if staged.SHA256 != hex.EncodeToString(sum[:]) || staged.Size != int64(len(content)) {
		t.Fatalf("staged %s (%d bytes)", staged.SHA256, staged.Size)
	}
	if typ, err := media.Detect(staged, staged.Size); err != nil || typ.Name != "PDF" {
		t.Fatalf("detect staged: %v %v", typ.Name, err)
	}
	created, err := staged.Commit()
	if err != nil || !created {
		t.Fatalf("Commit = %v, %v", created, err)
	}
	if left := tempEntries(t, files); len(left) != 0 {
		t.Errorf("tmp/ still holds %v", left)
	}
	stored, err := files.Open(staged.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	if got, _ := io.ReadAll(stored); !bytes.Equal(got, content) {
		t.Error("stored bytes differ")
	}
	if !strings.HasPrefix(stored.Name(), filepath.Join(files.Dir(), staged.SHA256[:2], staged.SHA256[2:4])) {
		t.Errorf("stored at %s", stored.Name())
	}

	again, err := files.Stage(bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if created, err := again.Commit(); err != nil || created {
		t.Errorf("second copy: created=%v err=%v, want kept once", created, err)
	}
	if left := tempEntries(t, files); len(left) != 0 {
		t.Errorf("tmp/ still holds %v", left)
	}
}

func TestStageRefusalsLeaveNothing(t *testing.T) {
	files := openFiles(t)
	if _, err := files.Stage(bytes.NewReader(make([]byte, 2001)), 2000); !errors.Is(err, media.ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	broken := io.MultiReader(bytes.NewReader(make([]byte, 500)), errorReader{})
	if _, err := files.Stage(broken, 2000); err == nil {
		t.Error("a broken upload was staged")
	}
	staged, err := files.Stage(strings.NewReader("discard me"), 2000)
	if err != nil {
		t.Fatal(err)
	}
	staged.Discard()
	staged.Discard()
	if left := tempEntries(t, files); len(left) != 0 {
		t.Errorf("tmp/ still holds %v", left)
	}
	if _, err := files.Open(staged.SHA256); !errors.Is(err, media.ErrNotStored) {
		t.Errorf("discarded file is stored: %v", err)
	}
	if _, err := files.Open("../../etc/passwd"); !errors.Is(err, media.ErrNotStored) {
		t.Errorf("a path was accepted as a hash: %v", err)
	}
}

type errorReader struct{}

func (errorReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestOpenFilesClearsLeftovers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	files, err := media.OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(files.TempDir(), "incoming-crashed"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	files, err = media.OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if left := tempEntries(t, files); len(left) != 0 {
		t.Errorf("leftovers survived a restart: %v", left)
	}
}

func storeFile(t *testing.T, files *media.Files, content []byte) string {
	t.Helper()
	staged, err := files.Stage(bytes.NewReader(content), 50<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := staged.Commit(); err != nil {
		t.Fatal(err)
	}
	return staged.SHA256
}

func TestThumbnails(t *testing.T) {
	files := openFiles(t)
	for name, content := range map[string][]byte{"png": mediatest.PNG(1200, 600), "jpeg": mediatest.JPEG(300, 900)} {
		sum := storeFile(t, files, content)
		thumb, err := files.Thumbnail(sum)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		config, err := jpeg.DecodeConfig(thumb)
		thumb.Close()
		if err != nil {
			t.Fatalf("%s: thumbnail is not a JPEG: %v", name, err)
		}
		if max(config.Width, config.Height) > media.ThumbnailSize || max(config.Width, config.Height) < media.ThumbnailSize/2 {
			t.Errorf("%s: thumbnail %dx%d", name, config.Width, config.Height)
		}
		// The second request is served from the cached file.
		again, err := files.Thumbnail(sum)
		if err != nil {
			t.Fatal(err)
		}
		again.Close()
	}
	small := storeFile(t, files, mediatest.PNG(40, 20))
	thumb, err := files.Thumbnail(small)
	if err != nil {
		t.Fatal(err)
	}
	config, _ := jpeg.DecodeConfig(thumb)
	thumb.Close()
	if config.Width != 40 || config.Height != 20 {
		t.Errorf("small image resized to %dx%d; thumbnails never enlarge", config.Width, config.Height)
	}
	if _, err := files.Thumbnail(storeFile(t, files, mediatest.PDF(1000))); !errors.Is(err, media.ErrNoThumbnail) {
		t.Errorf("a PDF got a thumbnail: %v", err)
	}
	if left := tempEntries(t, files); len(left) != 0 {
		t.Errorf("tmp/ still holds %v", left)
	}
}

// TestThumbnailRefusesDecompressionBombs: a small file declaring a gigantic canvas gets no thumbnail rather
// than making the server decode it.
func TestThumbnailRefusesDecompressionBombs(t *testing.T) {
	files := openFiles(t)
	bomb := mediatest.PNG(8, 8)
	// Rewrite the IHDR width and height to 30000×30000 (the CRC no longer matches, which DecodeConfig does
	// not check, exactly as a hostile file would rely on).
	copy(bomb[16:24], []byte{0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30})
	if _, err := files.Thumbnail(storeFile(t, files, bomb)); !errors.Is(err, media.ErrNoThumbnail) {
		t.Errorf("bomb: %v", err)
	}
}

func TestDownscaleFlattensTransparencyOntoWhite(t *testing.T) {
	transparent := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	out := media.Downscale(transparent, 5)
	if out.Bounds().Dx() != 5 || out.RGBAAt(2, 2).R != 255 || out.RGBAAt(2, 2).B != 255 {
		t.Errorf("transparent image became %v at size %v", out.RGBAAt(2, 2), out.Bounds())
	}
}

// TestKeep: a record that fails takes the file it was to keep with it, unless something else refers to
// the same content by then or it was already stored.
func TestKeep(t *testing.T) {
	files := openFiles(t)
	failed := errors.New("record failed")
	keep := func(content []byte, recordErr error, referenced bool) error {
		t.Helper()
		staged, err := files.Stage(bytes.NewReader(content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return staged.Keep(func() error { return recordErr }, func() bool { return referenced })
	}
	first, second := mediatest.PDF(1000), mediatest.PDF(2000)
	if err := keep(first, failed, false); !errors.Is(err, failed) || files.Has(hexSum(first)) {
		t.Errorf("failed record: %v, stored %v", err, files.Has(hexSum(first)))
	}
	if err := keep(first, failed, true); !errors.Is(err, failed) || !files.Has(hexSum(first)) {
		t.Errorf("failed record of content in use: %v, stored %v", err, files.Has(hexSum(first)))
	}
	if err := keep(second, nil, false); err != nil || !files.Has(hexSum(second)) {
		t.Errorf("kept: %v, stored %v", err, files.Has(hexSum(second)))
	}
	if err := keep(second, failed, false); !errors.Is(err, failed) || !files.Has(hexSum(second)) {
		t.Errorf("failed record of content stored before: %v, stored %v", err, files.Has(hexSum(second)))
	}
	if left := tempEntries(t, files); len(left) != 0 {
		t.Errorf("tmp/ still holds %v", left)
	}
}

// TestVerify: a stored file whose bytes no longer hash to its name is found out.
func TestVerify(t *testing.T) {
	files := openFiles(t)
	content := mediatest.PDF(5000)
	staged, err := files.Stage(bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := staged.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := files.Verify(staged.SHA256); err != nil {
		t.Errorf("intact file: %v", err)
	}
	path := filepath.Join(files.Dir(), staged.SHA256[:2], staged.SHA256[2:4], staged.SHA256)
	if err := os.WriteFile(path, content[:100], 0o640); err != nil {
		t.Fatal(err)
	}
	if err := files.Verify(staged.SHA256); err == nil || !strings.Contains(err.Error(), "hashes to") {
		t.Errorf("damaged file: %v", err)
	}
	if err := files.Verify(hexSum(mediatest.PDF(100))); !errors.Is(err, media.ErrNotStored) {
		t.Errorf("missing file: %v", err)
	}
}

func hexSum(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}
