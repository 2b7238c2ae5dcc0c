package dev.messenger.storage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test once per database kind. Per method rather than a parameterized class: Surefire counts
 * skipped invocations of a parameterized class in its XML but not in its closing summary line.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]")
@EnumSource(TestDatabase.Kind.class)
public @interface OnEachDatabase {}
