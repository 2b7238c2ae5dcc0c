package dev.messenger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A run's figures (one JSON object) and the reasons it failed, if any. */
record Result(ObjectNode report, List<String> failures) {
  boolean passed() {
    return failures.isEmpty();
  }
}
