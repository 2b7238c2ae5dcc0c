package dev.messenger.storage;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A transactional write whose result the caller acknowledges to a client: when the method returns,
 * its commit is on disk, not only committed ({@link DurableCommitInterceptor}).
 */
@InterceptorBinding
@Target({METHOD, TYPE})
@Retention(RUNTIME)
public @interface DurableCommit {}
