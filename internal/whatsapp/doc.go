// Package whatsapp speaks Meta's WhatsApp Cloud API wire format: it parses and authenticates the webhooks
// Meta (or the embedded simulator) posts to us, and it sends messages through the Graph API
// POST /{version}/{phone-number-id}/messages endpoint.
//
// The package knows nothing about interactions, agents or storage. It turns bytes into typed values and
// typed values into bytes, and it classifies failures precisely enough that the outbox can retry what is
// safe to retry and never send a message twice.
package whatsapp
