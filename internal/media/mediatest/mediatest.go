// Package mediatest builds small but structurally real files of every kind Switchboard meets (and some it
// must refuse), for tests in any package. Each builder returns the file's bytes.
package mediatest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"unicode/utf16"
)

func picture(width, height int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		for x := range width {
			img.SetRGBA(x, y, color.RGBA{R: uint8(x * 255 / max(1, width)), G: uint8(y * 255 / max(1, height)), B: 160, A: 255})
		}
	}
	return img
}

// PNG is a real PNG image with a colour gradient.
func PNG(width, height int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture(width, height)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// JPEG is a real JPEG image with a colour gradient.
func JPEG(width, height int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(width, height), &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PaddedPNG is a valid small PNG grown to size bytes with a text chunk, for testing size limits without
// encoding a huge picture.
func PaddedPNG(size int) []byte {
	base := PNG(16, 16)
	// The IHDR chunk ends 33 bytes in; a tEXt chunk after it is legal and ignored by decoders.
	padding := size - len(base) - 12
	if padding < 8 {
		return base
	}
	data := append([]byte("Comment\x00"), bytes.Repeat([]byte("x"), padding-8)...)
	var chunk bytes.Buffer
	binary.Write(&chunk, binary.BigEndian, uint32(len(data)))
	chunk.WriteString("tEXt")
	chunk.Write(data)
	crc := crc32.ChecksumIEEE(append([]byte("tEXt"), data...))
	binary.Write(&chunk, binary.BigEndian, crc)
	out := append([]byte{}, base[:33]...)
	out = append(out, chunk.Bytes()...)
	return append(out, base[33:]...)
}

// PDF is a minimal PDF document of about size bytes (at least a few hundred), padded with comment lines.
func PDF(size int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n")
	line := "%" + strings.Repeat("0123456789abcdef", 4) + "\n"
	for b.Len()+len(line)+40 < size {
		b.WriteString(line)
	}
	for b.Len()+40 < size {
		b.WriteString("%\n")
	}
	b.WriteString("trailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func box(kind string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	out := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint32(out, uint32(8+len(body)))
	copy(out[4:], kind)
	return append(out, body...)
}

func handler(kind string) []byte {
	payload := make([]byte, 24)
	copy(payload[8:], kind)
	return box("hdlr", payload)
}

func isoMedia(brand, handlerType string, size int) []byte {
	ftyp := box("ftyp", []byte(brand), []byte{0, 0, 2, 0}, []byte(brand), []byte("mp41"))
	moov := box("moov", box("mvhd", make([]byte, 100)), box("trak", box("tkhd", make([]byte, 84)), box("mdia", box("mdhd", make([]byte, 24)), handler(handlerType))))
	head := append(ftyp, moov...)
	mdat := max(0, size-len(head)-8)
	return append(head, box("mdat", make([]byte, mdat))...)
}

// MP4 is an ISO media file with one video track, about size bytes.
func MP4(size int) []byte { return isoMedia("isom", "vide", size) }

// M4A is an ISO media file with one sound track, about size bytes.
func M4A(size int) []byte { return isoMedia("M4A ", "soun", size) }

// QuickTime is a .mov file, which WhatsApp does not take.
func QuickTime() []byte { return isoMedia("qt  ", "vide", 512) }

func oggPage(packet []byte) []byte {
	header := []byte("OggS\x00\x02")
	header = append(header, make([]byte, 20)...) // granule, serial, sequence, checksum
	header = append(header, 1, byte(len(packet)))
	return append(header, packet...)
}

// OggOpus is the first pages of an Ogg Opus file.
func OggOpus() []byte {
	head := append([]byte("OpusHead\x01\x01"), make([]byte, 9)...)
	return append(oggPage(head), oggPage(append([]byte("OpusTags"), make([]byte, 16)...))...)
}

// OggVorbis is the first page of an Ogg Vorbis file.
func OggVorbis() []byte {
	return oggPage(append([]byte("\x01vorbis"), make([]byte, 23)...))
}

// MP3 is frames of MPEG-1 layer III audio (128 kbit/s, 44.1 kHz) behind an ID3v2 tag, about size bytes.
func MP3(size int) []byte {
	out := []byte("ID3\x04\x00\x00\x00\x00\x00\x0a")
	out = append(out, make([]byte, 10)...)
	frame := make([]byte, 417)
	copy(frame, []byte{0xFF, 0xFB, 0x90, 0x64})
	target := max(size, len(out)+2*len(frame))
	for len(out)+len(frame) <= target {
		out = append(out, frame...)
	}
	return out
}

// AAC is ADTS frames of AAC audio.
func AAC(frames int) []byte {
	const length = 64
	frame := make([]byte, length)
	copy(frame, []byte{0xFF, 0xF1, 0x50, 0x80 | byte(length>>11), byte(length >> 3 & 0xFF), byte(length&0x07)<<5 | 0x1F, 0xFC})
	return bytes.Repeat(frame, max(2, frames))
}

// AMR is an AMR narrow-band audio file.
func AMR() []byte {
	return append([]byte("#!AMR\n"), bytes.Repeat([]byte{0x3C, 0x48, 0xF5, 0x1F}, 64)...)
}

func zipFile(files map[string]string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, name := range sortedKeys(files) {
		f, err := w.Create(name)
		if err != nil {
			panic(err)
		}
		f.Write([]byte(files[name]))
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

func ooxml(mainPart, contentType string) []byte {
	return zipFile(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/` + mainPart + `" ContentType="` + contentType + `"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + mainPart + `"/></Relationships>`,
		mainPart: `<?xml version="1.0" encoding="UTF-8"?><root/>`,
	})
}

// DOCX is a Word document package.
func DOCX() []byte {
	return ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
}

// XLSX is an Excel workbook package.
func XLSX() []byte {
	return ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
}

// PPTX is a PowerPoint presentation package.
func PPTX() []byte {
	return ooxml("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")
}

// DOCM is a Word document with macros, which is refused.
func DOCM() []byte {
	return ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
}

// JAR is a Java program: a zip with a manifest.
func JAR() []byte {
	return zipFile(map[string]string{"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\nMain-Class: Evil\n", "Evil.class": "\xCA\xFE\xBA\xBE"})
}

// Zip is a plain zip archive.
func Zip() []byte { return zipFile(map[string]string{"notes.txt": "hello"}) }

// OLE is a compound file (the container of legacy .doc, .xls, .ppt and .msi files) holding empty streams
// with the given names.
func OLE(streams ...string) []byte {
	const sector = 512
	header := make([]byte, sector)
	copy(header, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	binary.LittleEndian.PutUint16(header[0x18:], 0x3E)
	binary.LittleEndian.PutUint16(header[0x1A:], 3)
	binary.LittleEndian.PutUint16(header[0x1C:], 0xFFFE)
	binary.LittleEndian.PutUint16(header[0x1E:], 9)
	binary.LittleEndian.PutUint16(header[0x20:], 6)
	binary.LittleEndian.PutUint32(header[0x2C:], 1)          // one FAT sector
	binary.LittleEndian.PutUint32(header[0x30:], 1)          // directory starts at sector 1
	binary.LittleEndian.PutUint32(header[0x38:], 4096)       // mini stream cutoff
	binary.LittleEndian.PutUint32(header[0x3C:], 0xFFFFFFFE) // no mini FAT
	binary.LittleEndian.PutUint32(header[0x44:], 0xFFFFFFFE) // no DIFAT sectors
	for i := range 109 {
		binary.LittleEndian.PutUint32(header[0x4C+4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(header[0x4C:], 0) // the FAT is sector 0

	fat := make([]byte, sector)
	for i := range sector / 4 {
		binary.LittleEndian.PutUint32(fat[4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(fat[0:], 0xFFFFFFFD) // sector 0 holds the FAT
	binary.LittleEndian.PutUint32(fat[4:], 0xFFFFFFFE) // sector 1 (directory) ends its chain

	directory := make([]byte, sector)
	entry := func(index int, name string, objectType byte) {
		e := directory[index*128 : (index+1)*128]
		units := utf16.Encode([]rune(name))
		for i, u := range units {
			binary.LittleEndian.PutUint16(e[2*i:], u)
		}
		binary.LittleEndian.PutUint16(e[0x40:], uint16(2*len(units)+2))
		e[0x42] = objectType
		binary.LittleEndian.PutUint32(e[0x44:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[0x48:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[0x4C:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[0x74:], 0xFFFFFFFE)
	}
	entry(0, "Root Entry", 5)
	for i, name := range streams[:min(len(streams), 3)] {
		entry(i+1, name, 2)
	}
	return bytes.Join([][]byte{header, fat, directory}, nil)
}

// DOC is a legacy Word document.
func DOC() []byte { return OLE("WordDocument", "\x01CompObj", "1Table") }

// XLS is a legacy Excel workbook.
func XLS() []byte { return OLE("Workbook", "\x05SummaryInformation") }

// PPT is a legacy PowerPoint presentation.
func PPT() []byte { return OLE("PowerPoint Document", "Current User") }

// MSI is an installer: a compound file with none of the Office streams.
func MSI() []byte { return OLE("\u4840\u3f3f\u4577\u446c\u3b6a\u45e4\u4824", "\x05SummaryInformation") }

// HTML is a web page with a script.
func HTML() []byte {
	return []byte("<!DOCTYPE html>\n<html><head><title>Invoice</title></head><body><script>alert(document.cookie)</script></body></html>\n")
}

// SVG is an image that can carry script.
func SVG() []byte {
	return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`)
}

// EXE is the start of a Windows program.
func EXE() []byte {
	out := append([]byte("MZ\x90\x00"), make([]byte, 60)...)
	return append(out, []byte("This program cannot be run in DOS mode.")...)
}
