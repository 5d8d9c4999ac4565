package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"switchboard/internal/auth"
	"switchboard/internal/notify"
	"switchboard/store"
)

// demoPassword is the password of every demo person; -demo is for trying Switchboard out, never production.
const demoPassword = "switchboard-demo"

type demoLine struct {
	fromCustomer bool
	text         string
	minutes      int // after the start of the conversation
}

type demoConversation struct {
	daysAgo     int
	agent       string
	disposition string
	note        string
	lines       []demoLine
}

type demoContact struct {
	waID, name, profile string
	conversations       []demoConversation
}

var demoContacts = []demoContact{
	{"447700900123", "Maria Santos", "Maria", []demoConversation{
		{9, "alice", "Resolved", "Card delivered late; apologised, tracking shared.", []demoLine{
			{true, "Hi, my new card still hasn't arrived. It's been 10 days.", 0},
			{false, "Hello Maria, I'm sorry about the wait. Let me check the delivery for you.", 1},
			{false, "It was dispatched on the 3rd and is with the courier; tracking number RM123456789GB.", 3},
			{true, "Thank you! I'll keep an eye on it.", 4},
		}},
		{2, "bob", "Information provided", "Asked about travel notice; none needed.", []demoLine{
			{true, "Do I need to tell you before I travel to Spain?", 0},
			{false, "No need any more: your card works abroad automatically. Have a good trip!", 2},
		}},
	}},
	{"15550104477", "James O'Connor", "Jim", []demoConversation{
		{5, "carol", "Escalated", "Disputed charge of $89.99 passed to the disputes team.", []demoLine{
			{true, "There's a charge of $89.99 I don't recognise.", 0},
			{false, "I understand. Can you tell me the date and the merchant name shown?", 1},
			{true, "12 Nov, 'STREAMPLUS*ANNUAL'", 3},
			{false, "Thanks. I've opened a dispute; the team will contact you within 2 working days.", 6},
		}},
	}},
	{"4915112345678", "Lena Fischer", "Lena", []demoConversation{
		{1, "alice", "Resolved", "Reset online banking password.", []demoLine{
			{true, "Ich komme nicht mehr in mein Online-Banking.", 0},
			{false, "Kein Problem, ich schicke Ihnen einen Link zum Zurücksetzen.", 1},
			{true, "Hat funktioniert, danke! 👍", 5},
		}},
	}},
	{"5511987654321", "", "Carlos", []demoConversation{
		{3, "bob", "No response from customer", "Customer did not reply after first answer.", []demoLine{
			{true, "Olá, vocês atendem em português?", 0},
			{false, "Hello! We answer in English and Portuguese. How can I help?", 2},
		}},
	}},
}

// seedDemo adds demo people, contacts and closed conversations once, so a newcomer sees a lived-in
// workspace. It returns the demo password, or "" when the demo data was already there.
func seedDemo(ctx context.Context, st *store.Store, phoneNumberID string, now time.Time) (string, error) {
	if _, err := st.UserByUsername(ctx, "alice"); err == nil {
		return demoPassword, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	hash, err := auth.HashPassword(demoPassword)
	if err != nil {
		return "", err
	}
	ids := map[string]int64{}
	people := []struct{ username, name, role string }{
		{"alice", "Alice Moreau", auth.RoleAgent},
		{"bob", "Bob Nakamura", auth.RoleAgent},
		{"carol", "Carol Adeyemi", auth.RoleAgent},
		{"sam", "Sam Okafor", auth.RoleSupervisor},
	}
	codes, err := st.Dispositions(ctx, false)
	if err != nil {
		return "", err
	}
	codeIDs := map[string]int64{}
	for _, d := range codes {
		codeIDs[d.Name] = d.ID
	}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for _, p := range people {
			id, err := tx.CreateUser(ctx, store.User{Username: p.username, DisplayName: p.name, PasswordHash: hash, Role: p.role, Active: true})
			if err != nil {
				return err
			}
			ids[p.username] = id
		}
		sequence := 0
		for _, dc := range demoContacts {
			contact, err := tx.EnsureContact(ctx, dc.waID, dc.profile, now.UnixMilli())
			if err != nil {
				return err
			}
			if dc.name != "" {
				if err := tx.SetContactName(ctx, contact.ID, dc.name); err != nil {
					return err
				}
			}
			for _, conv := range dc.conversations {
				start := now.Add(-time.Duration(conv.daysAgo) * 24 * time.Hour).Truncate(time.Minute)
				interaction, err := tx.CreateInteraction(ctx, contact.ID, phoneNumberID, start.UnixMilli())
				if err != nil {
					return err
				}
				agentID := ids[conv.agent]
				if _, err := tx.AssignInteraction(ctx, interaction.ID, agentID, start.Add(30*time.Second).UnixMilli()); err != nil {
					return err
				}
				var last time.Time
				for _, line := range conv.lines {
					sequence++
					at := start.Add(time.Duration(line.minutes) * time.Minute).UnixMilli()
					m := store.Message{InteractionID: interaction.ID, ContactID: contact.ID, PhoneNumberID: phoneNumberID, Kind: "text", Body: line.text,
						WAMID: fmt.Sprintf("wamid.demo%06d", sequence), OriginatedAt: at, ReceivedAt: at, StatusAt: at}
					if line.fromCustomer {
						m.Direction, m.Status = store.DirectionIn, store.StatusReceived
					} else {
						m.Direction, m.Status, m.AuthorID = store.DirectionOut, store.StatusRead, agentID
					}
					if _, _, err := tx.InsertMessage(ctx, m); err != nil {
						return err
					}
					last = time.UnixMilli(at)
				}
				if _, err := tx.CloseInteraction(ctx, interaction.ID, agentID, codeIDs[conv.disposition], conv.note, last.Add(2*time.Minute).UnixMilli()); err != nil {
					return err
				}
			}
		}
		return seedDemoResponses(ctx, tx, now)
	})
	if err != nil {
		return "", fmt.Errorf("demo data: %w", err)
	}
	return demoPassword, nil
}

// seedDemoResponses fills the Standard Response Library with one response of each kind.
func seedDemoResponses(ctx context.Context, tx *store.Tx, now time.Time) error {
	category, err := tx.CreateResponseCategory(ctx, "Everyday")
	if err != nil {
		return err
	}
	slot := &notify.Template{Name: "delivery_slot", Language: "en_US", Category: "UTILITY",
		Header: notify.Header{Format: notify.HeaderText, Text: "Delivery {{1}}"},
		Body:   "Hi {{1}}, your delivery can come on {{2}}. Does that suit you?", Footer: "Reply with a button",
		Buttons: []notify.TemplateButton{{Type: notify.ButtonQuickReply, Text: "Yes"}, {Type: notify.ButtonQuickReply, Text: "Another day"}},
		Parameters: map[string]notify.Parameter{
			"header.1": {Label: "Order number", Example: "A-1001"},
			"body.1":   {Label: "Name", Field: "contact.first_name", Example: "Maria"},
			"body.2":   {Label: "Date", Example: "Monday"},
		}}
	responses := []store.Response{
		{Name: "Greeting", Kind: notify.KindText, Shortcut: "hello", Body: "Hello {contact.first_name}, this is {agent.first_name}. How can I help you today?"},
		{Name: "Closing", Kind: notify.KindText, Shortcut: "bye", Body: "Thank you for contacting us, {contact.first_name}. Have a nice day!"},
		{Name: "Delivery slot", Kind: notify.KindNotification, Definition: notify.Definition{Template: slot}.Encode(), TemplateName: slot.Name, TemplateLanguage: slot.Language},
		{Name: "Did we solve it?", Kind: notify.KindButtons, Shortcut: "solved", Definition: notify.Definition{Buttons: &notify.ReplyButtons{
			Body: "Did this solve your problem, {contact.first_name}?", Buttons: []string{"Yes, thanks", "Not yet"}}}.Encode()},
		{Name: "Shipping options", Kind: notify.KindList, Definition: notify.Definition{List: &notify.List{Header: "Shipping", Body: "Which shipping option do you prefer?",
			Button: "Options", Sections: []notify.Section{
				{Title: "Fast", Rows: []notify.Row{{Title: "Express", Description: "Next working day"}, {Title: "Priority", Description: "1 to 3 days"}}},
				{Title: "Standard", Rows: []notify.Row{{Title: "Ground", Description: "3 to 5 days"}}},
			}}}.Encode()},
	}
	for _, r := range responses {
		r.CategoryID, r.Active = category, true
		if _, err := tx.CreateResponse(ctx, r, now.UnixMilli()); err != nil {
			return err
		}
	}
	return nil
}
