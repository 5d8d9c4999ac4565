package web

import (
	"github.com/labstack/echo/v4"
)

// routes is the table of contents: every URL Switchboard answers, with who may use it.
func (s *Server) routes(e *echo.Echo) {
	e.Use(s.recoverPanics, s.logRequests, securityHeaders, s.multipartNeedsSession, s.csrf())

	// Static assets (stylesheet, app.js, vendored htmx) embedded in the binary.
	e.GET("/static/*", staticFiles())
	e.GET("/healthz", s.healthShow)

	// WhatsApp Cloud API webhooks: signature-checked, no session, no CSRF token.
	e.GET("/webhooks/whatsapp", s.webhookVerify)
	e.POST("/webhooks/whatsapp", s.webhookReceive, bodyLimit(webhookBodyLimit))

	// Signing in and out.
	e.GET("/login", s.loginShow)
	e.POST("/login", s.loginSubmit, bodyLimit(formBodyLimit))
	e.POST("/logout", s.logoutSubmit)

	signedIn := e.Group("", s.requireSession, bodyLimit(formBodyLimit))

	// Agent workspace.
	signedIn.GET("/", s.workspaceShow)
	signedIn.GET("/events", s.eventsStream)
	signedIn.POST("/presence", s.presenceUpdate)
	signedIn.POST("/interactions/:id/accept", s.interactionAccept)
	signedIn.POST("/interactions/:id/reject", s.interactionReject)
	signedIn.POST("/interactions/:id/messages", s.messageSend)
	signedIn.POST("/interactions/:id/done", s.interactionDone)
	signedIn.GET("/interactions/:id/older", s.olderSessions)
	signedIn.GET("/interactions/:id/search", s.searchMessages)
	signedIn.GET("/maps/static", s.mapImage)
	// Files: sent as a streamed form outside the group's 1 MB body limit; served to whoever may see them.
	e.POST("/interactions/:id/attachments", s.attachmentUpload, s.requireSession, bodyLimit(uploadBodyLimit))
	signedIn.GET("/attachments/:id/file", s.attachmentDownload)
	signedIn.GET("/attachments/:id/thumbnail", s.attachmentThumbnail)
	signedIn.GET("/contacts/:id", s.contactShow)
	signedIn.POST("/contacts/:id", s.contactUpdate)

	// Look: the admin's theme as a stylesheet, and each person's high-contrast choice.
	signedIn.GET("/theme.css", s.themeStylesheet)
	signedIn.POST("/account/theme", s.themeUpdate)

	// Standard responses, notifications and interactive messages in an interaction (the Responses panel and
	// the notification editor). File uploads need a larger body than the signed-in group allows.
	signedIn.GET("/interactions/:id/responses", s.responseList)
	signedIn.GET("/interactions/:id/responses/:response/editor", s.responseEditorShow)
	signedIn.POST("/interactions/:id/responses/:response/preview", s.responsePreview)
	signedIn.POST("/interactions/:id/responses/:response/send", s.responseSend)
	e.POST("/interactions/:id/responses/:response/header", s.responseHeaderUpload, s.requireSession, bodyLimit(uploadBodyLimit))

	// Own account.
	signedIn.GET("/account", s.accountShow)
	signedIn.POST("/account/password", s.accountPasswordUpdate)

	// Supervisors: live board and the contact directory.
	// The guard is per route: an Echo group with middleware also catches every unmatched path under its prefix,
	// so a "" group would answer any unknown URL with "This page is for supervisors".
	signedIn.GET("/supervisor", s.supervisorShow, s.requireSupervisor)
	signedIn.GET("/contacts", s.contactList, s.requireSupervisor)
	signedIn.POST("/contacts", s.contactCreate, s.requireSupervisor)

	// Admins: options, people, lists, numbers, quarantine.
	admin := signedIn.Group("/admin", s.requireAdmin)
	admin.GET("/settings", s.settingsShow)
	admin.POST("/settings", s.settingsUpdate)
	admin.GET("/users", s.usersShow)
	admin.POST("/users", s.userCreate)
	admin.POST("/users/:id", s.userUpdate)
	admin.POST("/users/:id/password", s.userPasswordUpdate)
	admin.GET("/dispositions", s.dispositionsShow)
	admin.POST("/dispositions", s.dispositionCreate)
	admin.POST("/dispositions/:id", s.dispositionUpdate)
	admin.GET("/numbers", s.numbersShow)
	admin.POST("/numbers", s.numberSave)
	admin.POST("/numbers/:id/delete", s.numberDelete)
	admin.GET("/quarantine", s.quarantineShow)
	admin.GET("/attributes", s.attributesShow)
	admin.POST("/attributes", s.attributeSave)
	admin.POST("/attributes/:id/delete", s.attributeDelete)
	admin.GET("/responses", s.responsesAdminShow)
	admin.POST("/responses", s.responseSave)
	admin.GET("/responses/new", s.responseNewShow)
	admin.POST("/responses/categories", s.responseCategoryCreate)
	admin.POST("/responses/categories/:id/delete", s.responseCategoryDelete)
	admin.GET("/responses/:id", s.responseEditShow)
	admin.POST("/responses/:id", s.responseSave)
	admin.POST("/responses/:id/delete", s.responseDelete)
	admin.POST("/responses/:id/register", s.responseRegister)
	admin.POST("/responses/:id/attachments/:file/delete", s.responseAttachmentDelete)
	e.POST("/admin/responses/:id/attachments", s.responseAttachmentCreate, s.requireSession, s.requireAdmin, bodyLimit(uploadBodyLimit))
	e.POST("/admin/responses/:id/header", s.responseHeaderFileSave, s.requireSession, s.requireAdmin, bodyLimit(uploadBodyLimit))

	// The built-in WhatsApp simulator (Cloud API stand-in and customer phone), only when no real API is set.
	if s.Simulator != nil {
		s.Simulator.Mount(e.Group("/sim"))
	}
}
