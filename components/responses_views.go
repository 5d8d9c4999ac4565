package components

import "strconv"

// WindowView is the response window of an interaction: the header shows the time left, and the pane is
// marked open or closed so the composer can say that only notifications may be sent. static/responses.js
// keeps both current while the page is open.
type WindowView struct {
	InteractionID int64
	Open          bool
	ClosesAtMilli int64 // 0 when the customer never wrote
	Left          string
}

// State is "open" or "closed", the pane's data-window attribute.
func (w WindowView) State() string {
	if w.Open {
		return "open"
	}
	return "closed"
}

// ResponsesPanelView is the Responses panel of one interaction: the library to browse and search, and the
// shortcut keywords the composer expands.
type ResponsesPanelView struct {
	InteractionID int64
	List          ResponsesListView
	Shortcuts     []ResponseItemView
}

// ResponsesListView is the part of the panel a search replaces.
type ResponsesListView struct {
	InteractionID int64
	Query         string
	Kind          string // "" for all, or "notification"
	Categories    []ResponseCategoryView
}

// ResponseCategoryView is one category of the library with its responses.
type ResponseCategoryView struct {
	Name  string
	Items []ResponseItemView
}

// ResponseItemView is one response an agent can insert. A text response carries its text (fields filled
// for this conversation) and attachments for the composer; a structured one opens the editor.
type ResponseItemView struct {
	InteractionID int64
	ID            int64
	Name          string
	Kind          string
	KindLabel     string
	Shortcut      string
	Snippet       string
	Text          string
	Attachments   []ResponseFileView
	Structured    bool
	Unavailable   string // why it cannot be sent now (an interactive message outside the window, a template WhatsApp has not approved)
}

// AttachmentsJSON is the item's attachments for static/responses.js.
func (r ResponseItemView) AttachmentsJSON() string {
	out := "["
	for i, a := range r.Attachments {
		if i > 0 {
			out += ","
		}
		out += `{"id":` + strconv.FormatInt(a.ID, 10) + `,"name":` + strconv.Quote(a.Name) + `,"size":` + strconv.Quote(a.Size) + `}`
	}
	return out + "]"
}

// ResponseFileView is a file a response sends after its text.
type ResponseFileView struct {
	ID   int64
	Name string
	Size string
}

// EditorView is the notification editor: each value the agent may change beside a live preview of what
// the customer will see, with what is wrong and where, and Send only when nothing is.
type EditorView struct {
	InteractionID int64
	ResponseID    int64
	Kind          string
	KindLabel     string
	Name          string
	Template      string
	Fields        []EditorField
	Header        EditorHeaderView
	Problems      []string
	Valid         bool
	Error         string // why the last Send was refused as a whole
	Preview       RichView
}

// EditorField is one value of the editor.
type EditorField struct {
	Key       string
	Label     string
	Value     string
	Limit     int
	Multiline bool
	Error     string
}

// FormName is the field's name in the editor form.
func (f EditorField) FormName() string { return "f." + f.Key }

// EditorHeaderView is the file of a media header and whether the agent may upload another.
type EditorHeaderView struct {
	Format     string
	FileID     int64
	Name       string
	Changeable bool
	Error      string
}

// RichView is a notification or interactive message as the customer sees it: in the editor's preview,
// in the transcript, and quoted under the customer's answer with the chosen option marked.
type RichView struct {
	Kind        string // notification, buttons or list
	Label       string // e.g. "Notification · thank_you_patience · en_US"
	HeaderText  string
	HeaderMedia string
	HeaderFile  string
	Body        string
	Footer      string
	Buttons     []RichButton
	ListButton  string
	Sections    []RichSection
	Automatic   bool
	// Answer, when set, makes reply buttons and list rows tappable and link buttons open their target: the
	// customer phone of the simulator shows messages with it. Without it the message is a picture of
	// itself, as in the transcript and the editor's preview.
	Answer *RichAnswer
}

// RichAnswer is where a tap on an option of the message with WAMID is posted, and where the answer goes.
type RichAnswer struct {
	URL, Target, WAMID string
}

// RichButton is one button; Chosen marks the customer's answer.
type RichButton struct {
	ID     string
	Type   string
	Text   string
	Target string
	Chosen bool
}

// RichSection is a titled group of list rows.
type RichSection struct {
	Title string
	Rows  []RichRow
}

// RichRow is one list row; Chosen marks the customer's answer.
type RichRow struct {
	ID          string
	Title       string
	Description string
	Chosen      bool
}

// ChoiceView is the customer's answer to a notification or interactive message: what they chose and the
// message it answers.
type ChoiceView struct {
	Chosen   string
	Original *RichView
}

// ResponsesAdminView is the library administration page.
type ResponsesAdminView struct {
	Nav        Nav
	Categories []CategoryRow
	Responses  []ResponseRow
	Kinds      []Option
	New        ResponseNewForm
	Category   string
	Error      string
}

// CategoryRow is one category with how many responses it holds.
type CategoryRow struct {
	ID    int64
	Name  string
	Count int
}

// ResponseRow is one response in the administration list.
type ResponseRow struct {
	ID       int64
	Name     string
	Category string
	Kind     string
	Shortcut string
	Active   bool
	Status   string // WhatsApp's view of a notification
	Detail   string
	Blocked  bool // WhatsApp does not allow it to be sent in this status, so agents cannot send it
}

// ResponseNewForm is the form that starts a response.
type ResponseNewForm struct {
	Name       string
	CategoryID string
	Kind       string
	Errors     map[string]string
}

// ResponseEditView is the edit page of one response.
type ResponseEditView struct {
	Nav           Nav
	ID            int64
	Kind          string
	KindLabel     string
	Name          string
	CategoryID    string
	Categories    []Option
	Shortcut      string
	Active        bool
	Body          string
	Attachments   []ResponseFileView
	Template      TemplateForm
	Interactive   InteractiveForm
	Status        string
	StatusDetail  string
	StatusBlocked bool // agents cannot send the notification in this status
	Errors        map[string]string
	Saved         bool
	Fields        []Option // the {field} tokens and their meaning
}

// TemplateForm is the structure of a notification as the edit form shows it.
type TemplateForm struct {
	Name         string
	Language     string
	Category     string
	Categories   []string
	HeaderFormat string
	HeaderText   string
	HeaderFile   string
	Body         string
	Footer       string
	Buttons      []TemplateButtonForm
	Parameters   []ParameterForm
}

// TemplateButtonForm is one button slot of the notification form.
type TemplateButtonForm struct {
	N     int
	Type  string
	Text  string
	Value string
}

// ParameterForm is one parameter of a notification: how agents see it and what prefills it.
type ParameterForm struct {
	Key     string
	Where   string
	Label   string
	Field   string
	Example string
}

// InteractiveForm is the structure of a reply-button or list message as the edit form shows it.
type InteractiveForm struct {
	HeaderFormat string
	HeaderText   string
	HeaderFile   string
	Body         string
	Footer       string
	Buttons      []string // reply button titles (three slots)
	ListButton   string
	Rows         []ListRowForm // ten slots
}

// ListRowForm is one row slot of the list form; rows with the same section title form one section.
type ListRowForm struct {
	N           int
	Section     string
	Title       string
	Description string
}
