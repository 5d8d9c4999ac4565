// Package static embeds the stylesheet, app.js, attachments.js, the favicon and the vendored htmx files.
package static

import "embed"

// Files are served under /static/.
//
//go:embed app.css app.js attachments.js responses.js favicon.svg favicon-alert.svg vendor/htmx.min.js vendor/sse.min.js
var Files embed.FS
