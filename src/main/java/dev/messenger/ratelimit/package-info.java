/** Per-user token buckets (Bucket4j) that limit how often a user may send, react and type. */
package dev.messenger.ratelimit;
