package options

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
)
