// Package components renders Switchboard's HTML with templ. Components take view models (this file) and do
// no data access; a page embeds the same fragment components that htmx swaps and the event stream pushes.
package components

import "strconv"

// Nav is what every page's header needs.
type Nav struct {
	HighContrast  bool
	ThemeVersion  string // changes when the admin's look options change, so browsers fetch the new theme
	UserName      string
	Role          string
	CSRF          string
	Section       string // "workspace", "supervisor", "contacts", "admin", "account"
	CanSupervise  bool
	CanAdminister bool
}

// LoginView is the login form.
type LoginView struct {
	CSRF     string
	Username string
	Error    string
	Next     string
}

// WorkspaceView is the agent's main window.
type WorkspaceView struct {
	Nav          Nav
	Attention    AttentionView
	Presence     PresenceView
	Offers       []OfferView
	Interactions []InteractionView
}

// AttentionView carries the options that decide how the workspace draws attention, for static/app.js.
type AttentionView struct {
	PendingWarning, PendingMaximum int   // seconds
	Blink                          bool  // blink the interaction bar entry on a new customer message
	BlinkSeconds                   int   // 0: until the agent looks
	FocusNewMessages               bool  // scroll to new messages (else show a pill)
	ServerNow                      int64 // ms, to correct the browser's clock
}

// PresenceView is the agent's Ready / Not Ready state on the WhatsApp channel.
type PresenceView struct {
	Ready bool
	Since string
}

// OfferView is an interaction preview with Accept and Reject.
type OfferView struct {
	InteractionID  int64
	ContactName    string
	ProfileName    string
	Phone          string
	Channel        string
	FirstMessage   string
	ReceivedAt     string
	ExpiresAtMilli int64
	CaseInfo       []Field
}

// Field is a labelled value.
type Field struct {
	Label string
	Value string
}

// InteractionView is one interaction the agent holds, as a tab in the bar and a pane.
type InteractionView struct {
	ID           int64
	ContactID    int64
	ContactName  string
	PendingSince int64  // when the customer started waiting for an answer (server ms), 0 when answered
	ProfileName  string // the WhatsApp profile name, when it differs from ContactName
	Phone        string
	Channel      string
	StartedAt    string
	Transcript   TranscriptView
	Composer     ComposerView
	Done         DoneView
	CaseInfo     []Field
	Window       WindowView
	Responses    ResponsesPanelView
}

// TranscriptView is the message area of one interaction: earlier sessions with the contact, then this one.
type TranscriptView struct {
	InteractionID int64
	Older         OlderView
	Sessions      []SessionView
}

// OlderView is the "see older messages..." control: it loads the sessions before Before.
type OlderView struct {
	InteractionID int64
	Before        int64 // the oldest session shown
	More          bool  // whether older sessions exist
}

// SessionView is one interaction's messages introduced by its centred start date.
type SessionView struct {
	InteractionID int64
	StartedLabel  string
	Channel       string // set when several business numbers are shown together
	Current       bool   // the interaction the pane is about; new messages are appended to it
	Messages      []MessageView
}

// TextSegment is a run of message text with WhatsApp formatting, or a link.
type TextSegment struct {
	Text                       string
	Bold, Italic, Strike, Mono bool
	Link                       string
}

// QuoteView is the message a reply quotes.
type QuoteView struct {
	TargetID int64 // 0 when the quoted message is not stored
	Author   string
	Text     string
}

// LocationView is an incoming location.
type LocationView struct {
	Name, Address, URL string
	Coordinates        string
	MapImage           string // our map image address; empty shows the offline rendering
	PlaceLink          string // the point on a map, opened in a new tab
	HasCoordinates     bool
	Width, Height      int
}

// ContactCardView is one shared contact card.
type ContactCardView struct {
	Name   string
	Org    string
	Phones []Field // Label: number as written, Value: tel: link
	Emails []Field
	URLs   []string
}

// MessageView is one transcript line.
type MessageView struct {
	ID          int64
	Side        string // "customer", "agent" or "center"
	Kind        string
	Text        string
	Placeholder string // what stands in for content not shown yet (media, location…)
	Author      string
	Time        string // shown time
	TimeTitle   string // tooltip with exact times
	TimeISO     string
	Delayed     bool // origination time shown in bold, arrival in the tooltip
	OutOfOrder  bool // shown in red
	Status      string
	StatusLabel string
	ErrorTitle  string
	ErrorDetail string

	Segments   []TextSegment // Text with formatting and links
	Quote      *QuoteView
	Reactions  []string // the customer's current reactions to this message
	Location   *LocationView
	Contacts   []ContactCardView
	Channel    string          // the business number, when messages of several numbers are shown
	Highlight  string          // the search term when jumped to from search
	Attachment *AttachmentView // the file the message carries, if any
	Rich       *RichView       // a notification or interactive message
	Choice     *ChoiceView     // the customer's answer to one
}

// DOMID is the element id of a message; status updates replace it.
func (m MessageView) DOMID() string { return "message-" + strconv.FormatInt(m.ID, 10) }

// ComposerView is the message input of one interaction.
type ComposerView struct {
	InteractionID int64
	Text          string
	Error         string
	MaxBytes      int
	Emojis        []string
	Attachment    AttachmentPickerView
	AutoTemplate  string             // the notification that carries text after the response window, "" when off
	AutoBody      string             // its body, with {{1}} where the text goes
	AutoBlocked   string             // why WhatsApp would refuse it now (its template is not approved), "" when it goes
	Attachments   []ResponseFileView // response files to send after the text
}

// DoneView is the closing form of one interaction.
type DoneView struct {
	InteractionID int64
	Dispositions  []Option
	Selected      string
	Note          string
	Error         string
	Open          bool
}

// Option is a value of a select list.
type Option struct {
	Value string
	Label string
}

// SupervisorView is the live board of presence and queues.
type SupervisorView struct {
	Nav   Nav
	Board BoardView
}

// BoardView is the part of the supervisor page the stream refreshes.
type BoardView struct {
	Agents       []AgentRow
	Waiting      []QueueRow
	InProgress   []QueueRow
	ReadyCount   int
	WaitingCount int
}

// AgentRow is one person on the presence board.
type AgentRow struct {
	Name     string
	Username string
	Role     string
	Ready    bool
	LoggedIn bool
	Since    string
	Open     int
	Capacity int
}

// QueueRow is one waiting or held interaction.
type QueueRow struct {
	InteractionID int64
	ContactID     int64
	ContactName   string
	Phone         string
	State         string
	Agent         string
	Since         string
}

// ContactView is a contact's details and history.
type ContactView struct {
	Nav         Nav
	Edit        ContactForm
	ContactID   int64
	Name        string
	ProfileName string
	Phone       string
	History     []HistoryEntry
}

// HistoryEntry is one past or current interaction in a contact's history.
type HistoryEntry struct {
	InteractionID int64
	Started       string
	Closed        string
	State         string
	Agent         string
	Disposition   string
	Note          string
	Channel       string
	Transcript    TranscriptView
}

// ContactListView is the contact directory.
type ContactListView struct {
	Nav      Nav
	Query    string
	Contacts []ContactRow
	New      ContactForm
}

// ContactForm adds or renames a contact-database entry.
type ContactForm struct {
	Name  string
	Phone string
	Error string
}

// ContactRow is one line of the contact directory.
type ContactRow struct {
	ID          int64
	Name        string
	ProfileName string
	Phone       string
	Updated     string
}

// ErrorView is an error page or fragment.
type ErrorView struct {
	Nav     *Nav
	Status  int
	Title   string
	Message string
}

// AdminTabs names the admin sub-pages for the tab strip.
var AdminTabs = []Option{
	{Value: "/admin/settings", Label: "Settings"},
	{Value: "/admin/users", Label: "Users"},
	{Value: "/admin/dispositions", Label: "Disposition codes"},
	{Value: "/admin/numbers", Label: "Business numbers"},
	{Value: "/admin/attributes", Label: "Business attributes"},
	{Value: "/admin/responses", Label: "Responses"},
	{Value: "/admin/quarantine", Label: "Quarantine"},
}

// SettingsView is the options page.
type SettingsView struct {
	Nav     Nav
	Groups  []SettingsGroup
	Saved   bool
	Invalid int
}

// SettingsGroup is a heading of options.
type SettingsGroup struct {
	Name    string
	Options []OptionRow
}

// OptionRow is one option with its current (or just typed) value and any error.
type OptionRow struct {
	Name        string
	Kind        string
	Value       string
	Default     string
	ValidValues string
	Description string
	Effect      string
	Choices     []string
	Error       string
	IsDefault   bool
}

// UsersView is the user administration page.
type UsersView struct {
	Nav     Nav
	Users   []UserRow
	New     UserForm
	Flash   string
	Created string // one-time password shown after creating a user without one
}

// UserRow is one user with its edit form state.
type UserRow struct {
	ID          int64
	Username    string
	DisplayName string
	Role        string
	Active      bool
	Ready       bool
	Error       string
	Self        bool
	Permissions []PermissionCheck
}

// PermissionCheck is one grantable permission and whether the user has it.
type PermissionCheck struct {
	Name    string
	Label   string
	Granted bool
}

// UserForm is the new-user form.
type UserForm struct {
	Username    string
	DisplayName string
	Role        string
	Errors      map[string]string
}

// DispositionsView is the disposition code list.
type DispositionsView struct {
	Nav   Nav
	Codes []DispositionRow
	Name  string
	Error string
}

// DispositionRow is one code.
type DispositionRow struct {
	ID     int64
	Name   string
	Active bool
}

// NumbersView is the business number list.
type NumbersView struct {
	Nav           Nav
	Numbers       []NumberRow
	PhoneNumberID string
	DisplayNumber string
	Error         string
	Simulator     bool
}

// NumberRow is one business number.
type NumberRow struct {
	PhoneNumberID string
	DisplayNumber string
}

// QuarantineView lists webhook items that were kept but not understood, and errors Meta reported.
type QuarantineView struct {
	Nav    Nav
	Items  []QuarantineRow
	Errors []QuarantineRow
}

// QuarantineRow is one kept item.
type QuarantineRow struct {
	When   string
	Reason string
	Raw    string
}

// AccountView is the signed-in user's own page.
type AccountView struct {
	Nav     Nav
	Name    string
	Error   string
	Changed bool
}

// SearchView is the result of a search in a contact's messages.
type SearchView struct {
	Query string
	Error string
	Hits  []SearchHitView
}

// SearchHitView is one found message; Snippet parts marked Bold are the matches.
type SearchHitView struct {
	MessageID     int64
	InteractionID int64
	When          string
	Who           string
	Snippet       []TextSegment
}

// AttributesView is the business attributes page.
type AttributesView struct {
	Nav        Nav
	Attributes []AttributeRow
	New        AttributeRow
	EmojiName  string // the attribute the emoji picker uses
}

// AttributeRow is one attribute, its values one per line.
type AttributeRow struct {
	ID     int64
	Name   string
	Values string
	Error  string
}
