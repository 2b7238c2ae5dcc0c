/**
 * Integration tests on the real Open Liberty server (Arquillian, failsafe): the protocol end to
 * end.
 */
package dev.messenger.it;
