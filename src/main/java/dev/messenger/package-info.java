/** The application root: JAX-RS activation and the mapping of refused requests to HTTP errors. */
package dev.messenger;
