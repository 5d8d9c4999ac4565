package media_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"switchboard/internal/media"
	"switchboard/internal/media/mediatest"
	"switchboard/internal/options"
)

func detect(content []byte) (media.Type, error) {
	return media.Detect(bytes.NewReader(content), int64(len(content)))
}

func TestDetectRecognisesEverySupportedType(t *testing.T) {
	cases := []struct {
		name    string
		content []byte
		want    string
	}{
		{"pdf", mediatest.PDF(2000), "PDF"},
		{"doc", mediatest.DOC(), "DOC"},
		{"docx", mediatest.DOCX(), "DOCX"},
		{"ppt", mediatest.PPT(), "PPT"},
		{"pptx", mediatest.PPTX(), "PPTX"},
		{"xls", mediatest.XLS(), "XLS"},
		{"xlsx", mediatest.XLSX(), "XLSX"},
		{"aac", mediatest.AAC(8), "AAC"},
		{"m4a", mediatest.M4A(4000), "M4A"},
		{"amr", mediatest.AMR(), "AMR"},
		{"mp3", mediatest.MP3(5000), "MP3"},
		{"opus", mediatest.OggOpus(), "OPUS"},
		{"ogg", mediatest.OggVorbis(), "OGG"},
		{"jpeg", mediatest.JPEG(40, 30), "JPG"},
		{"png", mediatest.PNG(40, 30), "PNG"},
		{"mp4", mediatest.MP4(5000), "MP4"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := detect(c.content)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if got.Name != c.want {
				t.Errorf("Detect = %s, want %s", got.Name, c.want)
			}
		})
		seen[c.want] = true
	}
	for _, typ := range media.Types {
		if !seen[typ.Name] && typ.Name != "OGA" {
			t.Errorf("no detection case for %s", typ.Name)
		}
	}
}

// TestDisguisedFilesAreRefused: the name plays no part; what the content is decides, and the refusal says
// what was found.
func TestDisguisedFilesAreRefused(t *testing.T) {
	cases := []struct {
		name    string
		content []byte
		found   string
	}{
		{"html named pdf", mediatest.HTML(), "an HTML document"},
		{"svg named png", mediatest.SVG(), "an SVG image"},
		{"html with BOM and spaces", append([]byte("\xEF\xBB\xBF  \n"), mediatest.HTML()...), "an HTML document"},
		{"windows program named docx", mediatest.EXE(), "a Windows program"},
		{"linux program", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), "a Linux program"},
		{"jar named docx", mediatest.JAR(), "a Java program (JAR)"},
		{"plain zip named xlsx", mediatest.Zip(), "a ZIP archive"},
		{"docx with macros", mediatest.DOCM(), "a Word document with macros (DOCM)"},
		{"installer named doc", mediatest.MSI(), "an OLE compound file that is not a Word, Excel or PowerPoint document (an installer, for example)"},
		{"quicktime named mp4", mediatest.QuickTime(), "a QuickTime video"},
		{"gif named png", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "a GIF image"},
		{"text named pdf", []byte("just some words, nothing more\n"), "a text file"},
		{"broken png", []byte("\x89PNG\r\n\x1a\nnot really"), "a damaged PNG image"},
		{"random bytes", []byte{0x00, 0x01, 0x02, 0x03, 0x04, 0xFE, 0xFD}, "not any supported kind of file"},
		{"ff sync without a second frame", append([]byte{0xFF, 0xFB, 0x90, 0x64}, bytes.Repeat([]byte{0x11}, 900)...), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := detect(c.content)
			var unsupported *media.UnsupportedError
			if !errors.As(err, &unsupported) {
				t.Fatalf("Detect = %v, %v; want an UnsupportedError", got.Name, err)
			}
			if c.found != "" && unsupported.Found != c.found {
				t.Errorf("found %q, want %q", unsupported.Found, c.found)
			}
		})
	}
	if _, err := detect(nil); !errors.Is(err, media.ErrEmpty) {
		t.Errorf("empty file: %v", err)
	}
}

// TestOLEWithHostileChainsEnds: a compound file whose directory chain loops, or whose counts are absurd,
// is refused quickly instead of hanging.
func TestOLEWithHostileChainsEnds(t *testing.T) {
	looped := mediatest.DOC()
	// Make the directory sector point to itself in the FAT.
	looped[512+4] = 1
	looped[512+5], looped[512+6], looped[512+7] = 0, 0, 0
	if _, err := detect(looped); err == nil {
		t.Error("a looping directory chain was accepted")
	}
	huge := mediatest.DOC()
	huge[0x2C], huge[0x2D], huge[0x2E], huge[0x2F] = 0xFF, 0xFF, 0xFF, 0x7F
	if _, err := detect(huge); err == nil {
		t.Error("an absurd FAT count was accepted")
	}
}

func TestCheckExplainsEachRefusal(t *testing.T) {
	limits := media.WhatsAppLimits()
	png, _ := media.TypeNamed("PNG")
	mp4, _ := media.TypeNamed("MP4")
	pdf, _ := media.TypeNamed("PDF")
	cases := []struct {
		name      string
		size      int64
		typ       media.Type
		detectErr error
		want      string
	}{
		{"photo.png", 6 * media.MB, png, nil, "“photo.png” is a PNG image of 6 MB; WhatsApp accepts JPG and PNG images up to 5 MB."},
		{"clip.mp4", 17 * media.MB, mp4, nil, "“clip.mp4” is an MP4 video of 17 MB; WhatsApp accepts videos up to 16 MB."},
		{"big.pdf", 100 * media.MB, pdf, nil, "“big.pdf” is 100 MB: files must be smaller than 100 MB."},
		{"invoice.pdf", 120, media.Type{}, &media.UnsupportedError{Found: "an HTML document"}, "“invoice.pdf” cannot be sent. Its name says PDF, but its content is an HTML document. You can send PDF, DOC, DOCX, PPT, PPTX, XLS, XLSX, AAC, M4A, AMR, MP3, OPUS, OGA, OGG, JPG, PNG or MP4 files."},
		{"setup", 120, media.Type{}, &media.UnsupportedError{Found: "a Windows program"}, "“setup” cannot be sent: its content is a Windows program."},
		{"empty.pdf", 0, media.Type{}, media.ErrEmpty, "“empty.pdf” is empty."},
	}
	for _, c := range cases {
		err := limits.Check(c.name, c.size, c.typ, c.detectErr)
		var refusal *media.Refusal
		if !errors.As(err, &refusal) {
			t.Errorf("%s: Check = %v, want a refusal", c.name, err)
			continue
		}
		if !strings.HasPrefix(refusal.Reason, c.want) {
			t.Errorf("%s: reason\n%q\nwant it to start with\n%q", c.name, refusal.Reason, c.want)
		}
	}
	if err := limits.Check("photo.png", 5*media.MB, png, nil); err != nil {
		t.Errorf("an image of exactly 5 MB: %v", err)
	}
	if err := limits.Check("report.pdf", 100*media.MB-1, pdf, nil); err != nil {
		t.Errorf("a document just under 100 MB: %v", err)
	}
}

func TestLimitsFollowTheOptions(t *testing.T) {
	st := openStore(t)
	set, err := options.Load(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	if got := media.LimitsFrom(set); !slices.Equal(got.Allowed, media.TypeNames(media.Types)) || got.Largest() != media.MaxFileSize-1 {
		t.Fatalf("defaults: %+v largest %d", got, got.Largest())
	}
	problems, err := set.Update(t.Context(), map[string]string{
		options.AttachmentAllowedTypes: "png, pdf", options.AttachmentMaxImageSize: "2", options.AttachmentMaxDocumentSize: "3",
	}, 0)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	limits := media.LimitsFrom(set)
	if !slices.Equal(limits.Allowed, []string{"PDF", "PNG"}) {
		t.Errorf("allowed %v", limits.Allowed)
	}
	if limits.Largest() != 3*media.MB {
		t.Errorf("largest %d, want 3 MB", limits.Largest())
	}
	png, _ := media.TypeNamed("PNG")
	jpg, _ := media.TypeNamed("JPG")
	if err := limits.Check("a.png", 2*media.MB+1, png, nil); err == nil || !strings.Contains(err.Error(), "your administrator allows JPG and PNG images up to 2 MB") {
		t.Errorf("narrowed image size: %v", err)
	}
	if err := limits.Check("a.jpg", 1000, jpg, nil); err == nil || !strings.Contains(err.Error(), "which your administrator does not allow. You can send PDF or PNG files.") {
		t.Errorf("type not allowed: %v", err)
	}
	if msg := limits.TooLarge("huge.pdf").Reason; msg != "“huge.pdf” is too large: the largest file you can send is 3 MB." {
		t.Errorf("too large: %q", msg)
	}
}

// TestOptionMembersAreTheTypes keeps the option's list of type names in step with the types detection knows.
func TestOptionMembersAreTheTypes(t *testing.T) {
	d, ok := options.Lookup(options.AttachmentAllowedTypes)
	if !ok {
		t.Fatal("attachment.allowed-types is not registered")
	}
	if !slices.Equal(d.Members, media.TypeNames(media.Types)) {
		t.Errorf("option members %v, media types %v", d.Members, media.TypeNames(media.Types))
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1: "1 byte", 1023: "1023 bytes", 1536: "1.5 KB", 5 * media.MB: "5 MB", 7654321: "7.3 MB"} {
		if got := media.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzDetect: whatever bytes arrive, detection ends, does not panic, and either names a supported type or
// says what the content is.
func FuzzDetect(f *testing.F) {
	for _, seed := range [][]byte{mediatest.PDF(500), mediatest.DOC(), mediatest.DOCX(), mediatest.M4A(600), mediatest.MP4(600),
		mediatest.OggOpus(), mediatest.MP3(2000), mediatest.AAC(3), mediatest.PNG(4, 4), mediatest.JPEG(4, 4), mediatest.MSI(), mediatest.HTML()} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		typ, err := detect(content)
		var unsupported *media.UnsupportedError
		switch {
		case err == nil:
			if _, ok := media.TypeNamed(typ.Name); !ok {
				t.Fatalf("detected an unknown type %+v", typ)
			}
		case errors.As(err, &unsupported):
			if unsupported.Found == "" {
				t.Fatal("a refusal that says nothing")
			}
		case errors.Is(err, media.ErrEmpty):
			if len(content) != 0 {
				t.Fatal("non-empty content called empty")
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// TestZipWithAHugeDirectoryIsRefusedUnread: a zip claiming more entries than any Office file has is refused
// from its end record, before the directory is read into memory.
func TestZipWithAHugeDirectoryIsRefusedUnread(t *testing.T) {
	content := mediatest.DOCX()
	end := bytes.LastIndex(content, []byte("PK\x05\x06"))
	content[end+8], content[end+9] = 0x30, 0x75   // entries on this disk: 30000
	content[end+10], content[end+11] = 0x30, 0x75 // total entries: 30000
	_, err := detect(content)
	var unsupported *media.UnsupportedError
	if !errors.As(err, &unsupported) || !strings.Contains(unsupported.Found, "more entries") {
		t.Errorf("Detect = %v", err)
	}
}
