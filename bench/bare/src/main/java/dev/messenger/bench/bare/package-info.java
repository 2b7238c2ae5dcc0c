/**
 * The bare reference endpoint: a room broadcast on the server's own WebSocket layer, no application
 * logic, against which the product's cost per connection and per delivery is a ratio.
 */
package dev.messenger.bench.bare;
