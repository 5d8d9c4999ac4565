package events

import "testing"

func TestPublishReachesOnlyTopicSubscribers(t *testing.T) {
	hub := NewHub()
	a := hub.Subscribe(UserTopic(1))
	b := hub.Subscribe(UserTopic(2))
	defer a.Close()
	defer b.Close()
	hub.Publish(UserTopic(1), Event{Kind: MessageAdded, MessageID: 7})
	select {
	case e := <-a.C:
		if e.MessageID != 7 {
			t.Fatalf("got %+v", e)
		}
	default:
		t.Fatal("subscriber of topic got nothing")
	}
	select {
	case e := <-b.C:
		t.Fatalf("other topic got %+v", e)
	default:
	}
}

func TestSlowSubscriberIsCutOffNotBlocking(t *testing.T) {
	hub := NewHub()
	s := hub.Subscribe(SupervisorTopic)
	for i := 0; i < subscriberBuffer+10; i++ {
		hub.Publish(SupervisorTopic, Event{Kind: QueueChanged})
	}
	n := 0
	for range s.C {
		n++
	}
	if n != subscriberBuffer {
		t.Fatalf("received %d events before close, want %d", n, subscriberBuffer)
	}
	if hub.Subscribers(SupervisorTopic) != 0 {
		t.Fatal("cut-off subscriber still registered")
	}
	s.Close() // closing twice is harmless
}
