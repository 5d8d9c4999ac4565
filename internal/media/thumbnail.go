package media

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
)

// ThumbnailSize is the longest side of a thumbnail, in pixels.
const ThumbnailSize = 320

// maxThumbnailPixels bounds the images a thumbnail is made of: decoding holds the whole picture in memory,
// so a small file that claims a huge canvas (a decompression bomb) gets a file icon instead.
const maxThumbnailPixels = 24_000_000

// ErrNoThumbnail is returned for files that get no thumbnail: not a JPEG or PNG, or too large to decode.
var ErrNoThumbnail = errors.New("media: no thumbnail for this file")

func (f *Files) thumbnailPath(sum string) string {
	return filepath.Join(f.dir, "thumbs", sum+".jpg")
}

// Thumbnail opens the JPEG thumbnail of the stored image with the given SHA-256, making it on first use.
// Thumbnails are content-addressed like the files, so one image sent many times is scaled once.
func (f *Files) Thumbnail(sum string) (*os.File, error) {
	source, err := f.Open(sum)
	if err != nil {
		return nil, err
	}
	defer source.Close()
	path := f.thumbnailPath(sum)
	if thumbnail, err := os.Open(path); err == nil {
		return thumbnail, nil
	}
	config, format, err := image.DecodeConfig(source)
	if err != nil || (format != "jpeg" && format != "png") {
		return nil, ErrNoThumbnail
	}
	if config.Width <= 0 || config.Height <= 0 || config.Width*config.Height > maxThumbnailPixels {
		return nil, ErrNoThumbnail
	}
	if _, err := source.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("media: thumbnail %s: %w", sum, err)
	}
	var picture image.Image
	if format == "jpeg" {
		picture, err = jpeg.Decode(source)
	} else {
		picture, err = png.Decode(source)
	}
	if err != nil {
		return nil, ErrNoThumbnail
	}
	temp, err := os.CreateTemp(f.TempDir(), "thumbnail-*")
	if err != nil {
		return nil, fmt.Errorf("media: thumbnail %s: %w", sum, err)
	}
	defer os.Remove(temp.Name())
	err = jpeg.Encode(temp, Downscale(picture, ThumbnailSize), &jpeg.Options{Quality: 82})
	if closeErr := temp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, fmt.Errorf("media: thumbnail %s: %w", sum, err)
	}
	if err := os.Rename(temp.Name(), path); err != nil {
		return nil, fmt.Errorf("media: thumbnail %s: %w", sum, err)
	}
	return os.Open(path)
}

// Downscale returns picture shrunk so its longer side is at most size pixels (never enlarged), flattened
// onto white. Each output pixel averages an evenly spaced grid of up to 4×4 samples from the area it
// covers: close to a full box filter in quality at a fraction of the cost on multi-megapixel photos.
func Downscale(picture image.Image, size int) *image.RGBA {
	bounds := picture.Bounds()
	width, height := bounds.Dx(), bounds.Dy()
	targetWidth, targetHeight := width, height
	if width > size || height > size {
		if width >= height {
			targetWidth, targetHeight = size, max(1, height*size/width)
		} else {
			targetWidth, targetHeight = max(1, width*size/height), size
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, targetWidth, targetHeight))
	for y := range targetHeight {
		top := bounds.Min.Y + y*height/targetHeight
		bottom := max(top+1, bounds.Min.Y+(y+1)*height/targetHeight)
		for x := range targetWidth {
			left := bounds.Min.X + x*width/targetWidth
			right := max(left+1, bounds.Min.X+(x+1)*width/targetWidth)
			out.SetRGBA(x, y, average(picture, left, top, right, bottom))
		}
	}
	return out
}

// average blends up to 4×4 samples of the rectangle, each composited over white.
func average(picture image.Image, left, top, right, bottom int) color.RGBA {
	stepsX, stepsY := min(4, right-left), min(4, bottom-top)
	var red, green, blue, count uint64
	for j := range stepsY {
		sy := top + (2*j+1)*(bottom-top)/(2*stepsY)
		for i := range stepsX {
			sx := left + (2*i+1)*(right-left)/(2*stepsX)
			r, g, b, a := picture.At(sx, sy).RGBA()
			white := 0xFFFF - a // premultiplied colour over a white background
			red += uint64(r + white)
			green += uint64(g + white)
			blue += uint64(b + white)
			count++
		}
	}
	return color.RGBA{R: uint8(red / count >> 8), G: uint8(green / count >> 8), B: uint8(blue / count >> 8), A: 0xFF}
}
