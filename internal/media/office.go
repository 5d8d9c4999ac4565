package media

import (
	"archive/zip"
	"encoding/binary"
	"encoding/xml"
	"io"
	"strings"
	"unicode/utf16"
)

// Office Open XML main-part content types, and the macro-enabled ones that are refused: a .docx that
// carries macros is a different, riskier file than the one WhatsApp supports.
var ooxmlMainParts = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   "DOCX",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         "XLSX",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "PPTX",
}

var ooxmlRefused = map[string]string{
	"application/vnd.ms-word.document.macroEnabled.main+xml":                           "a Word document with macros (DOCM)",
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":                             "an Excel workbook with macros (XLSM)",
	"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml":                 "a PowerPoint presentation with macros (PPTM)",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template (DOTX)",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":    "an Excel template (XLTX)",
	"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml":  "a PowerPoint slide show (PPSX)",
	"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml":   "a PowerPoint template (POTX)",
	"application/vnd.ms-excel.sheet.binary.macroEnabled.main+xml":                      "an Excel binary workbook (XLSB)",
	"application/vnd.ms-word.template.macroEnabledTemplate.main+xml":                   "a Word template with macros (DOTM)",
	"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":                    "a PowerPoint slide show with macros (PPSM)",
	"application/vnd.ms-excel.template.macroEnabled.main+xml":                          "an Excel template with macros (XLTM)",
	"application/vnd.ms-powerpoint.template.macroEnabled.main+xml":                     "a PowerPoint template with macros (POTM)",
	"application/vnd.ms-powerpoint.addin.macroEnabled.main+xml":                        "a PowerPoint add-in",
	"application/vnd.ms-excel.addin.macroEnabled.main+xml":                             "an Excel add-in",
}

// maxContentTypesSize bounds how much of [Content_Types].xml is read; real ones are a few KB.
const maxContentTypesSize = 1 << 20

type contentTypes struct {
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

// detectZip recognises DOCX, XLSX and PPTX by the main part their [Content_Types].xml declares and the
// package actually holds; any other zip (a plain archive, a Java or Android program, an OpenDocument file)
// is named and refused. Only the central directory and that one small part are read.
func detectZip(r io.ReaderAt, size int64) (Type, error) {
	if !zipDirectoryIsSmall(r, size) {
		// Reading the directory would hold every entry in memory; real Office files have a few dozen.
		return Type{}, unsupported("a ZIP archive with more entries than any Office document has")
	}
	archive, err := zip.NewReader(r, size)
	if err != nil {
		return Type{}, unsupported("a damaged ZIP archive")
	}
	parts := map[string]*zip.File{}
	for _, f := range archive.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	typesPart, ok := parts["[Content_Types].xml"]
	if !ok {
		switch {
		case parts["META-INF/MANIFEST.MF"] != nil:
			return Type{}, unsupported("a Java program (JAR)")
		case parts["AndroidManifest.xml"] != nil:
			return Type{}, unsupported("an Android app (APK)")
		case parts["mimetype"] != nil && parts["content.xml"] != nil:
			return Type{}, unsupported("an OpenDocument file (ODT, ODS or ODP)")
		}
		return Type{}, unsupported("a ZIP archive")
	}
	reader, err := typesPart.Open()
	if err != nil {
		return Type{}, unsupported("a damaged Office document")
	}
	defer reader.Close()
	var declared contentTypes
	if err := xml.NewDecoder(io.LimitReader(reader, maxContentTypesSize)).Decode(&declared); err != nil {
		return Type{}, unsupported("a damaged Office document")
	}
	for _, override := range declared.Overrides {
		contentType := strings.ToLower(strings.TrimSpace(override.ContentType))
		part := strings.TrimPrefix(override.PartName, "/")
		for main, name := range ooxmlMainParts {
			if contentType == strings.ToLower(main) {
				if parts[part] == nil {
					return Type{}, unsupported("a damaged Office document (its main part is missing)")
				}
				t, _ := TypeNamed(name)
				return t, nil
			}
		}
		for refused, found := range ooxmlRefused {
			if contentType == strings.ToLower(refused) {
				return Type{}, unsupported(found)
			}
		}
	}
	return Type{}, unsupported("an Office Open XML package that is not a Word, Excel or PowerPoint file")
}

// Bounds on a zip's central directory before it is read.
const (
	maxZipEntries       = 10_000
	maxZipDirectorySize = 4 << 20
)

// zipDirectoryIsSmall reads the end-of-central-directory record and checks the directory is of a size an
// Office document could have. ZIP64 archives (which need 65535 entries or 4 GB) are refused here too.
func zipDirectoryIsSmall(r io.ReaderAt, size int64) bool {
	const recordSize, maxComment = 22, 65535
	tailSize := min(size, recordSize+maxComment)
	tail := make([]byte, tailSize)
	if _, err := r.ReadAt(tail, size-tailSize); err != nil && err != io.EOF {
		return false
	}
	for i := len(tail) - recordSize; i >= 0; i-- {
		if string(tail[i:i+4]) != "PK\x05\x06" {
			continue
		}
		entries := binary.LittleEndian.Uint16(tail[i+10:])
		directorySize := binary.LittleEndian.Uint32(tail[i+12:])
		return entries < 0xFFFF && int(entries) <= maxZipEntries && directorySize <= maxZipDirectorySize
	}
	return false
}

var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// OLE compound file special sector numbers.
const (
	oleEndOfChain = 0xFFFFFFFE
	oleFreeSector = 0xFFFFFFFF
	// oleMaxSectors bounds every chain walk, so a looping or huge chain in a hostile file ends quickly.
	oleMaxSectors = 1 << 16
)

// detectOLE recognises legacy Word, Excel and PowerPoint files by the streams their compound file holds:
// WordDocument, Workbook (or Book) and "PowerPoint Document". Other compound files (installers, Outlook
// messages, password-protected OOXML) are refused.
func detectOLE(r io.ReaderAt, size int64) (Type, error) {
	names, err := oleStreamNames(r, size)
	if err != nil {
		return Type{}, unsupported("a damaged OLE compound file")
	}
	name := ""
	switch {
	case names["WordDocument"]:
		name = "DOC"
	case names["Workbook"], names["Book"]:
		name = "XLS"
	case names["PowerPoint Document"]:
		name = "PPT"
	case names["EncryptedPackage"]:
		return Type{}, unsupported("a password-protected Office document, which cannot be checked")
	default:
		return Type{}, unsupported("an OLE compound file that is not a Word, Excel or PowerPoint document (an installer, for example)")
	}
	t, _ := TypeNamed(name)
	return t, nil
}

type oleFile struct {
	r          io.ReaderAt
	size       int64
	sectorSize int64
	fatSectors []uint32
}

func (f *oleFile) sectorOffset(sector uint32) int64 { return (int64(sector) + 1) * f.sectorSize }

func (f *oleFile) readUint32(offset int64) (uint32, error) {
	var buffer [4]byte
	if offset < 0 || offset+4 > f.size {
		return 0, io.ErrUnexpectedEOF
	}
	if _, err := f.r.ReadAt(buffer[:], offset); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(buffer[:]), nil
}

// next follows the FAT from sector to the next one in its chain.
func (f *oleFile) next(sector uint32) (uint32, error) {
	perSector := uint32(f.sectorSize / 4)
	index := sector / perSector
	if int(index) >= len(f.fatSectors) {
		return 0, io.ErrUnexpectedEOF
	}
	return f.readUint32(f.sectorOffset(f.fatSectors[index]) + int64(sector%perSector)*4)
}

// oleStreamNames reads the directory of a compound file (MS-CFB) and returns the names of its entries.
func oleStreamNames(r io.ReaderAt, size int64) (map[string]bool, error) {
	header := make([]byte, 512)
	if size < 512 {
		return nil, io.ErrUnexpectedEOF
	}
	if _, err := r.ReadAt(header, 0); err != nil {
		return nil, err
	}
	shift := binary.LittleEndian.Uint16(header[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, io.ErrUnexpectedEOF
	}
	f := &oleFile{r: r, size: size, sectorSize: 1 << shift}
	fatCount := binary.LittleEndian.Uint32(header[0x2C:])
	if fatCount > oleMaxSectors {
		return nil, io.ErrUnexpectedEOF
	}
	for i := 0; i < 109 && uint32(len(f.fatSectors)) < fatCount; i++ {
		f.fatSectors = append(f.fatSectors, binary.LittleEndian.Uint32(header[0x4C+4*i:]))
	}
	difat := binary.LittleEndian.Uint32(header[0x44:])
	perSector := int(f.sectorSize/4) - 1
	for steps := 0; uint32(len(f.fatSectors)) < fatCount && difat < oleEndOfChain; steps++ {
		if steps > oleMaxSectors {
			return nil, io.ErrUnexpectedEOF
		}
		for i := 0; i < perSector && uint32(len(f.fatSectors)) < fatCount; i++ {
			sector, err := f.readUint32(f.sectorOffset(difat) + int64(4*i))
			if err != nil {
				return nil, err
			}
			f.fatSectors = append(f.fatSectors, sector)
		}
		next, err := f.readUint32(f.sectorOffset(difat) + int64(4*perSector))
		if err != nil {
			return nil, err
		}
		difat = next
	}
	names := map[string]bool{}
	entry := make([]byte, 128)
	sector := binary.LittleEndian.Uint32(header[0x30:])
	seen := map[uint32]bool{}
	for sector != oleEndOfChain && sector != oleFreeSector {
		if seen[sector] || len(seen) > oleMaxSectors {
			return nil, io.ErrUnexpectedEOF
		}
		seen[sector] = true
		base := f.sectorOffset(sector)
		for offset := int64(0); offset+128 <= f.sectorSize; offset += 128 {
			if base+offset+128 > size {
				return nil, io.ErrUnexpectedEOF
			}
			if _, err := r.ReadAt(entry, base+offset); err != nil {
				return nil, err
			}
			nameBytes := int(binary.LittleEndian.Uint16(entry[0x40:]))
			objectType := entry[0x42]
			if objectType == 0 || nameBytes < 2 || nameBytes > 64 {
				continue
			}
			units := make([]uint16, 0, nameBytes/2-1)
			for i := 0; i+1 < nameBytes-2; i += 2 {
				units = append(units, binary.LittleEndian.Uint16(entry[i:]))
			}
			names[string(utf16.Decode(units))] = true
		}
		next, err := f.next(sector)
		if err != nil {
			return nil, err
		}
		sector = next
	}
	return names, nil
}
