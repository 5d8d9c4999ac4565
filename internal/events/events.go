// Package events carries "something changed" notices from the parts that change state to the browser streams
// that show it. Events name what changed, not how it looks: each stream renders for its own viewer.
package events

import (
	"strconv"
	"sync"
)

// Kinds of events.
const (
	OfferMade          = "offer.made"          // an interaction was offered to the user
	OfferWithdrawn     = "offer.withdrawn"     // an offer to the user ended (accepted, rejected, timed out)
	InteractionOpened  = "interaction.opened"  // the user now holds an active interaction
	InteractionClosed  = "interaction.closed"  // an interaction the user held is done
	MessageAdded       = "message.added"       // a transcript line was added
	MessageChanged     = "message.changed"     // a transcript line's status changed
	PresenceChanged    = "presence.changed"    // someone went Ready / Not Ready, or logged in or out
	QueueChanged       = "queue.changed"       // the set of waiting or held interactions changed
	SessionInvalidated = "session.invalidated" // the user's access was revoked
)

// Event is one notice.
type Event struct {
	Kind          string
	InteractionID int64
	MessageID     int64
}

// Bus delivers events to subscribers of a topic. The in-process Hub implements it; a networked bus can take its
// place when Switchboard runs as several processes.
type Bus interface {
	Publish(topic string, e Event)
	Subscribe(topic string) *Subscription
}

// UserTopic is the topic of everything one user's screens must show.
func UserTopic(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// SupervisorTopic carries presence and queue changes for supervisors' views.
const SupervisorTopic = "supervisors"

// Subscription receives a topic's events until Close. When the subscriber falls too far behind, C is closed
// early: the reader must start over from current state (a browser stream reconnects and re-renders), so a
// slow reader can neither block publishers nor silently miss events.
type Subscription struct {
	C     <-chan Event
	c     chan Event
	hub   *Hub
	topic string
	once  sync.Once
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.hub.remove(s)
}

// Hub is the in-process Bus.
type Hub struct {
	mu     sync.Mutex
	topics map[string]map[*Subscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{topics: map[string]map[*Subscription]struct{}{}} }

// subscriberBuffer is how many events a subscriber may fall behind before it is cut off.
const subscriberBuffer = 256

// Subscribe starts receiving events of topic.
func (h *Hub) Subscribe(topic string) *Subscription {
	c := make(chan Event, subscriberBuffer)
	s := &Subscription{C: c, c: c, hub: h, topic: topic}
	h.mu.Lock()
	if h.topics[topic] == nil {
		h.topics[topic] = map[*Subscription]struct{}{}
	}
	h.topics[topic][s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Publish sends e to every subscriber of topic without blocking.
func (h *Hub) Publish(topic string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.topics[topic] {
		select {
		case s.c <- e:
		default:
			h.dropLocked(s)
		}
	}
}

// Subscribers reports how many subscriptions topic has.
func (h *Hub) Subscribers(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.topics[topic])
}

func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(s)
}

func (h *Hub) dropLocked(s *Subscription) {
	s.once.Do(func() {
		delete(h.topics[s.topic], s)
		if len(h.topics[s.topic]) == 0 {
			delete(h.topics, s.topic)
		}
		close(s.c)
	})
}
