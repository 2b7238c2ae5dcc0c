package dev.messenger;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.enterprise.inject.Stereotype;
import jakarta.inject.Singleton;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * One instance for the application, injected as itself rather than behind a client proxy: for the
 * beans that every frame or every stored message calls. Weld's client proxy allocates a fresh
 * interception stack (and a thread-local entry for it) on every call made from a thread that holds
 * none, so the nine proxied calls a message made cost about 1.2 KB of garbage per message, and what
 * a message allocates sets how often the collector pauses every socket (bench/README, twenty-first
 * session).
 *
 * <p>What a bean gives up: {@code @Singleton} is a pseudo-scope, so it is created when first
 * injected rather than when first called, and two such beans cannot inject each other. None of them
 * has interceptors. {@code @Singleton} alone would not be discovered with {@code
 * bean-discovery-mode="annotated"}; a stereotype is a bean-defining annotation.
 */
@Stereotype
@Singleton
@Retention(RUNTIME)
@Target(TYPE)
public @interface HotPathSingleton {}
