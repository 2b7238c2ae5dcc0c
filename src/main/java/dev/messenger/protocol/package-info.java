/** The wire protocol: inbound events decoded into records, outbound events encoded with JSON-B. */
package dev.messenger.protocol;
