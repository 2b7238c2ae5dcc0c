/** MicroProfile Health checks. */
package dev.messenger.health;
