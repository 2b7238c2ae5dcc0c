/**
 * The gateway's MicroProfile Metrics: counters, gauges and the handler timer, named in one place.
 */
package dev.messenger.metrics;
