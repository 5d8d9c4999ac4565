package simulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// phoneShareCreate is POST /phone/:wa_id/share: the customer shares a location (kind=location: latitude,
// longitude, and optionally name, address, url) or a contact card (kind=contacts: name, phone, email).
func (s *Simulator) phoneShareCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	number, ok := s.chatNumber(waID, c.FormValue("phone_number_id"))
	if !ok {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator has no business numbers configured")
	}
	var payload any
	switch c.FormValue("kind") {
	case "location":
		lat, errLat := strconv.ParseFloat(strings.TrimSpace(c.FormValue("latitude")), 64)
		lon, errLon := strconv.ParseFloat(strings.TrimSpace(c.FormValue("longitude")), 64)
		if errLat != nil || errLon != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return c.String(http.StatusUnprocessableEntity, "Latitude must be -90 to 90 and longitude -180 to 180.")
		}
		location := map[string]any{"latitude": lat, "longitude": lon}
		for _, field := range []string{"name", "address", "url"} {
			if v := strings.TrimSpace(c.FormValue(field)); v != "" {
				location[field] = v
			}
		}
		payload = location
	case "contacts":
		name := strings.TrimSpace(c.FormValue("name"))
		phone := strings.TrimSpace(c.FormValue("phone"))
		if name == "" || phone == "" || utf8.RuneCountInString(name) > 100 {
			return c.String(http.StatusUnprocessableEntity, "A contact card needs a name and a phone number.")
		}
		card := map[string]any{
			"name":   map[string]string{"formatted_name": name, "first_name": strings.Fields(name)[0]},
			"phones": []map[string]string{{"phone": phone, "type": "CELL", "wa_id": digitsOnly(phone)}},
		}
		if email := strings.TrimSpace(c.FormValue("email")); email != "" {
			card["emails"] = []map[string]string{{"email": email, "type": "WORK"}}
		}
		payload = []any{card}
	default:
		return c.String(http.StatusUnprocessableEntity, "Share a location or a contact card.")
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	if kind == "contacts" {
		// Meta nests the cards as "contacts": [...] directly under the message.
		raw, _ = json.Marshal(payload)
	}
	return s.sendFromPhone(c, customerMessageInput{WAID: waID, PhoneNumberID: number.PhoneNumberID, Kind: kind, Payload: raw})
}

// phoneReactionCreate is POST /phone/:wa_id/react: the customer reacts to a message with an emoji, or
// removes their reaction (empty emoji), as WhatsApp sends it.
func (s *Simulator) phoneReactionCreate(c echo.Context) error {
	waID := c.Param("wa_id")
	if !isWAID(waID) {
		return echo.NewHTTPError(http.StatusNotFound, "no such customer")
	}
	target := c.FormValue("message_id")
	s.mu.Lock()
	original, ok := s.state.byWAMID[target]
	s.mu.Unlock()
	if !ok || original.WAID != waID {
		return c.String(http.StatusUnprocessableEntity, "That message is not in this chat.")
	}
	emoji := strings.TrimSpace(c.FormValue("emoji"))
	if utf8.RuneCountInString(emoji) > 8 {
		return c.String(http.StatusUnprocessableEntity, "A reaction is one emoji.")
	}
	raw, _ := json.Marshal(map[string]string{"message_id": target, "emoji": emoji})
	if _, _, err := s.receiveFromCustomer(customerMessageInput{WAID: waID, PhoneNumberID: original.PhoneNumberID, Kind: "reaction", Payload: raw}); err != nil {
		if errors.Is(err, errClosed) {
			return echo.NewHTTPError(http.StatusServiceUnavailable, "the simulator is shutting down")
		}
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, s.chatURL(waID, original.PhoneNumberID))
	}
	return c.NoContent(http.StatusNoContent)
}
