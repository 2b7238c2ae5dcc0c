/** Who the caller is: JWT principals, the handshake gate, and the development-key guard. */
package dev.messenger.auth;
