/** Every limit, interval, timeout and size, read from MicroProfile Config in one place. */
package dev.messenger.config;
