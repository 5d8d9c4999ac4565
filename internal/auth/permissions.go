package auth

// Permission is something an admin grants to one person on top of what their role allows.
type Permission struct {
	Name  string
	Label string
}

// PermChangeReplyButtonAttachment lets an agent replace the file in the header of a reply-button message
// before sending it.
const PermChangeReplyButtonAttachment = "whatsapp.change-reply-button-attachment"

// Permissions lists every grantable permission as admins see it.
var Permissions = []Permission{
	{Name: PermChangeReplyButtonAttachment, Label: "WhatsApp - Can Change Attachments in Reply Button"},
}

// ValidPermission reports whether name is a grantable permission.
func ValidPermission(name string) bool {
	for _, p := range Permissions {
		if p.Name == name {
			return true
		}
	}
	return false
}
