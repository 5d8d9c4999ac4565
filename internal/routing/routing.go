// Package routing offers queued interactions to Ready agents with spare capacity, redirects offers nobody
// answered in time, and keeps waiting interactions queued until someone becomes Ready.
package routing

import (
	"context"
	"log/slog"
	"time"

	"switchboard/internal/events"
	"switchboard/internal/options"
	"switchboard/store"
)

// Router runs the routing loop. Kick wakes it; a one-second tick enforces offer timeouts.
type Router struct {
	Store   *store.Store
	Bus     events.Bus
	Options *options.Set
	Log     *slog.Logger
	Now     func() time.Time
	kick    chan struct{}
}

// New returns a router.
func New(st *store.Store, bus events.Bus, opts *options.Set, log *slog.Logger, now func() time.Time) *Router {
	return &Router{Store: st, Bus: bus, Options: opts, Log: log, Now: now, kick: make(chan struct{}, 1)}
}

// Kick asks for a routing pass soon; it never blocks.
func (r *Router) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run routes until ctx ends.
func (r *Router) Run(ctx context.Context) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		if err := r.Route(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("routing pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-ticker.C:
		}
	}
}

// Route makes one pass: withdraw expired offers and offers held by agents who left, then place every queued
// interaction with the best available agent.
func (r *Router) Route(ctx context.Context) error {
	now := r.Now().UnixMilli()
	timeout := int64(r.Options.Int(options.OfferTimeout)) * 1000
	expired, err := r.Store.ExpiredOffers(ctx, now-timeout)
	if err != nil {
		return err
	}
	absent, err := r.Store.OffersOfAbsentAgents(ctx, now)
	if err != nil {
		return err
	}
	for _, offer := range append(expired, absent...) {
		ok, err := r.Store.DeclineInteraction(ctx, offer.ID, offer.AgentID, "timeout", now)
		if err != nil {
			return err
		}
		if ok {
			r.Log.Info("offer redirected", "interaction", offer.ID, "agent", offer.AgentID)
			r.Bus.Publish(events.UserTopic(offer.AgentID), events.Event{Kind: events.OfferWithdrawn, InteractionID: offer.ID})
			r.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.QueueChanged, InteractionID: offer.ID})
		}
	}
	queued, err := r.Store.QueuedInteractions(ctx)
	if err != nil {
		return err
	}
	for _, waiting := range queued {
		placed, err := r.place(ctx, waiting, now)
		if err != nil {
			return err
		}
		if !placed {
			// Everyone is busy or absent; later interactions would find nobody either. They stay queued until
			// a kick says capacity appeared.
			break
		}
	}
	return nil
}

// place offers (or, with auto-answer, assigns) one interaction to the best candidate.
func (r *Router) place(ctx context.Context, waiting store.Interaction, now int64) (bool, error) {
	candidates, err := r.Store.ReadyAgents(ctx, waiting.ID, now)
	if err != nil {
		return false, err
	}
	capacity := r.Options.Int(options.MaxConcurrentInteractions)
	autoAnswer := r.Options.Bool(options.AutoAnswer)
	for _, agent := range candidates {
		if agent.Open >= capacity {
			continue
		}
		var ok bool
		if autoAnswer {
			ok, err = r.Store.AssignInteraction(ctx, waiting.ID, agent.ID, now)
		} else {
			ok, err = r.Store.OfferInteraction(ctx, waiting.ID, agent.ID, now)
		}
		if err != nil {
			return false, err
		}
		if !ok {
			return true, nil // someone else moved it; nothing to do for this one
		}
		kind := events.OfferMade
		if autoAnswer {
			kind = events.InteractionOpened
		}
		r.Log.Info("interaction routed", "interaction", waiting.ID, "agent", agent.ID, "auto_answer", autoAnswer)
		r.Bus.Publish(events.UserTopic(agent.ID), events.Event{Kind: kind, InteractionID: waiting.ID})
		r.Bus.Publish(events.SupervisorTopic, events.Event{Kind: events.QueueChanged, InteractionID: waiting.ID})
		return true, nil
	}
	return false, nil
}
