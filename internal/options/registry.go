package options

import "switchboard/internal/maps"

// Names of every option. The whatsappsession.* names and their defaults follow the vendor documents.
var (
	MaxTextMessageSize = define(Definition{
		Name: "whatsappsession.max-text-message-size", Kind: KindInt, Default: "4096", Min: 1, Max: 2147483647,
		Group: "Composer", Effect: "next message typed",
		Description: "Largest outbound text message in bytes, counted in UTF-8 (an emoji takes up to 4 bytes). A notice below the message area appears when it is exceeded and Send is disabled.",
	})
	TranscriptInteractionsCount = define(Definition{
		Name: "whatsappsession.transcript-interactions-count", Kind: KindInt, Default: "1", Min: 1, Max: 1000,
		Group: "Transcript", Effect: "next time a transcript opens",
		Description: "How many previous sessions with the contact \"see older messages...\" loads per click.",
	})
	PendingResponseToCustomer = define(Definition{
		Name: "whatsappsession.pending-response-to-customer", Kind: KindPairInt, Default: "30,50", Min: 1, Max: 86400,
		Group: "Attention", Effect: "next customer message",
		Description: "Seconds before the pending-response indicator turns from green to yellow, and from yellow to flashing red, while a customer waits for an answer.",
	})
	NewMessageBlinking = define(Definition{
		Name: "whatsappsession.new-message-blinking", Kind: KindBool, Default: "true",
		Group: "Attention", Effect: "next customer message",
		Description: "Make the interaction bar entry blink when a new customer message arrives.",
	})
	NewMessageBlinkingDuration = define(Definition{
		Name: "whatsappsession.new-message-blinking-duration", Kind: KindInt, Default: "0", Min: 0, Max: 3600,
		Group: "Attention", Effect: "next customer message",
		Description: "Seconds the interaction bar entry blinks; 0 blinks until the agent looks at the interaction.",
	})
	ShowCrossChannelMessages = define(Definition{
		Name: "whatsappsession.show-cross-channel-messages", Kind: KindBool, Default: "false",
		Group: "Transcript", Effect: "next time a transcript opens",
		Description: "With several business numbers, show the contact's messages on every number (marked with the number) instead of only this number's.",
	})
	EmojisBusinessAttribute = define(Definition{
		Name: "whatsappsession.emojis-business-attribute", Kind: KindString, Default: "", Max: 200,
		Group: "Composer", Effect: "next page load",
		Description: "Name of the business attribute whose values are the emojis offered by the smiley button; empty offers the default set.",
	})
	MessageDelayTimespan = define(Definition{
		Name: "whatsappsession.message-delay-timespan", Kind: KindInt, Default: "60", Min: 1, Max: 86400,
		Group: "Transcript", Effect: "messages rendered from now on",
		Description: "Seconds between when a message was written and when it arrived above which it counts as delayed: its origination time is shown in bold with the arrival time as a tooltip.",
	})
	FocusOnNewMessages = define(Definition{
		Name: "whatsappsession.focus-on-new-messages", Kind: KindBool, Default: "true",
		Group: "Attention", Effect: "next page load",
		Description: "Scroll the transcript to a new message when it arrives; when false a \"new messages\" pill jumps there instead.",
	})
	TwoStepAttachmentUpload = define(Definition{
		Name: "whatsappsession.two-step-attachment-upload", Kind: KindBool, Default: "true",
		Group: "Composer", Effect: "next page load",
		Description: "Preview an attached file and send it only on Send (true), or send it as soon as it is chosen (false).",
	})
	OutboundSessionConfig = define(Definition{
		Name: "whatsappsession.outbound-session-config", Kind: KindString, Default: "", Max: 2000,
		Group: "Outbound", Effect: "next outbound session",
		Description: "Channels offered when an agent starts an outbound WhatsApp session from another interaction; empty uses the channels of the interaction's data.",
	})
	ConferenceQueue = define(Definition{
		Name: "intercommunication.whatsappsession.queue", Kind: KindString, Default: "", Max: 200,
		Group: "Routing", Effect: "next conference request",
		Description: "Queue used for skill or group conference requests; conferences to a skill or group are unavailable while empty.",
	})

	ResponseWindow = define(Definition{
		Name: "whatsappsession.response-window", Kind: KindInt, Default: "86400", Min: 60, Max: 86400,
		Group: "Notifications", Effect: "next message sent",
		Description: "Seconds after the customer's last message during which agents may send regular and interactive messages. Afterwards the agent is warned that only notifications can be sent. WhatsApp itself delivers them for 24 hours (86400), the most allowed.",
	})
	DefaultNotification = define(Definition{
		Name: "whatsappsession.default-notification", Kind: KindString, Default: "thank_you_patience", Max: 512,
		Group: "Notifications", Effect: "next message sent",
		Description: "Template name of the notification that carries what an agent types after the response window has ended: its body parameter {{1}} receives the agent's text (e.g. \"Thank you for your patience! {{1}}\"). Empty turns automatic notifications off; agents then pick a notification from Responses.",
	})

	AutoAnswer = define(Definition{
		Name: "interaction.auto-answer", Kind: KindBool, Default: "false",
		Group: "Routing", Effect: "next offer",
		Description: "Assign a routed interaction to the agent directly, without the Accept/Reject preview.",
	})
	OfferTimeout = define(Definition{
		Name: "interaction.offer-timeout", Kind: KindInt, Default: "30", Min: 3, Max: 3600,
		Group: "Routing", Effect: "next offer",
		Description: "Seconds an agent has to accept an offered interaction before it is redirected to another agent.",
	})
	MaxConcurrentInteractions = define(Definition{
		Name: "agent.max-concurrent-interactions", Kind: KindInt, Default: "3", Min: 1, Max: 50,
		Group: "Routing", Effect: "next routing decision",
		Description: "Most WhatsApp interactions one agent holds at once (offered or accepted).",
	})
	ReadyAtLogin = define(Definition{
		Name: "agent.ready-at-login", Kind: KindBool, Default: "false",
		Group: "Routing", Effect: "next login",
		Description: "Make agents Ready on the WhatsApp channel as soon as they log in.",
	})
	DefaultNickname = define(Definition{
		Name: "contact.default-nickname", Kind: KindString, Default: "WhatsApp customer", Max: 60,
		Group: "Transcript", Effect: "next render",
		Description: "Name shown for a customer who is not in the contact database.",
	})

	AttachmentAllowedTypes = define(Definition{
		Name: "attachment.allowed-types", Kind: KindSet,
		Default: "PDF,DOC,DOCX,PPT,PPTX,XLS,XLSX,AAC,M4A,AMR,MP3,OPUS,OGA,OGG,JPG,PNG,MP4",
		Members: []string{"PDF", "DOC", "DOCX", "PPT", "PPTX", "XLS", "XLSX", "AAC", "M4A", "AMR", "MP3", "OPUS", "OGA", "OGG", "JPG", "PNG", "MP4"},
		Group:   "Attachments", Effect: "next file attached (the paperclip's hints on the next page load)",
		Description: "Kinds of file agents may send. The kind is decided by the file's content, not its name (JPG covers .jpg and .jpeg). Files customers send are always received.",
	})
	AttachmentMaxImageSize = define(Definition{
		Name: "attachment.max-image-mb", Kind: KindInt, Default: "5", Min: 1, Max: 5,
		Group: "Attachments", Effect: "next file attached",
		Description: "Largest JPG or PNG image an agent may send, in MB. WhatsApp accepts at most 5 MB.",
	})
	AttachmentMaxAudioSize = define(Definition{
		Name: "attachment.max-audio-mb", Kind: KindInt, Default: "16", Min: 1, Max: 16,
		Group: "Attachments", Effect: "next file attached",
		Description: "Largest audio file (AAC, M4A, AMR, MP3, OPUS, OGA, OGG) an agent may send, in MB. WhatsApp accepts at most 16 MB.",
	})
	AttachmentMaxVideoSize = define(Definition{
		Name: "attachment.max-video-mb", Kind: KindInt, Default: "16", Min: 1, Max: 16,
		Group: "Attachments", Effect: "next file attached",
		Description: "Largest MP4 video an agent may send, in MB. WhatsApp accepts at most 16 MB.",
	})
	AttachmentMaxDocumentSize = define(Definition{
		Name: "attachment.max-document-mb", Kind: KindInt, Default: "100", Min: 1, Max: 100,
		Group: "Attachments", Effect: "next file attached",
		Description: "Largest document (PDF, DOC, DOCX, PPT, PPTX, XLS, XLSX) an agent may send, in MB. Every file must be smaller than 100 MB.",
	})
)

// Location previews and the look of the transcript.
var (
	LocationProvider = define(Definition{
		Name: "whatsappsession.location-preview-provider", Kind: KindChoice, Default: maps.ProviderNone,
		Choices: []string{maps.ProviderNone, maps.ProviderBing, maps.ProviderGoogle, maps.ProviderYandex, maps.ProviderCustom},
		Group:   "Location preview", Effect: "next location rendered",
		Description: "Map provider of the static image in location previews; none shows coordinates and a pin without an image. custom uses the URL template below.",
	})
	LocationKey = define(Definition{
		Name: "whatsappsession.location-preview-key", Kind: KindString, Default: "", Max: 500,
		Group: "Location preview", Effect: "next location rendered",
		Description: "API key of the map provider, filled into {key}.",
	})
	LocationURLTemplate = define(Definition{
		Name: "whatsappsession.location-preview-url-template", Kind: KindString, Default: "", Max: 1000, Check: maps.ValidateTemplate,
		Group: "Location preview", Effect: "next location rendered",
		Description: "For the custom provider: the static-image address with {lat}, {lon}, {zoom}, {width}, {height} and {key}, e.g. https://maps.example/static?center={lat},{lon}&zoom={zoom}&size={width}x{height}&key={key}.",
	})
	LocationZoom = define(Definition{
		Name: "whatsappsession.location-preview-zoom", Kind: KindInt, Default: "15", Min: 1, Max: 20,
		Group: "Location preview", Effect: "next location rendered",
		Description: "Zoom level of the map image.",
	})
	LocationWidth = define(Definition{
		Name: "whatsappsession.location-preview-width", Kind: KindInt, Default: "400", Min: 100, Max: 1280,
		Group: "Location preview", Effect: "next location rendered",
		Description: "Width of the map image in pixels.",
	})
	LocationHeight = define(Definition{
		Name: "whatsappsession.location-preview-height", Kind: KindInt, Default: "200", Min: 100, Max: 1280,
		Group: "Location preview", Effect: "next location rendered",
		Description: "Height of the map image in pixels.",
	})

	TextSize = define(Definition{
		Name: "transcript.text-size", Kind: KindInt, Default: "15", Min: 11, Max: 28,
		Group: "Look", Effect: "next page load",
		Description: "Text size of the workspace in pixels.",
	})
	CustomerColor = define(Definition{
		Name: "transcript.customer-message-color", Kind: KindColor, Default: "#ffffff",
		Group: "Look", Effect: "next page load",
		Description: "Background of customer messages.",
	})
	AgentColor = define(Definition{
		Name: "transcript.agent-message-color", Kind: KindColor, Default: "#dcf5e8",
		Group: "Look", Effect: "next page load",
		Description: "Background of agent messages.",
	})
	NoticeColor = define(Definition{
		Name: "transcript.notice-color", Kind: KindColor, Default: "#fff7e0",
		Group: "Look", Effect: "next page load",
		Description: "Background of centred notices.",
	})
	BackgroundColor = define(Definition{
		Name: "transcript.background-color", Kind: KindColor, Default: "#eef1ef",
		Group: "Look", Effect: "next page load",
		Description: "Background of the message area.",
	})
	TextColor = define(Definition{
		Name: "transcript.text-color", Kind: KindColor, Default: "#17212b",
		Group: "Look", Effect: "next page load",
		Description: "Colour of message text.",
	})
)
