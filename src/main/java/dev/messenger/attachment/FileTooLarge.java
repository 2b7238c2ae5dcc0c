package dev.messenger.attachment;

import java.io.IOException;

/**
 * Thrown from inside a read once more bytes arrived than allowed. An IOException so that it passes
 * through the multipart parser, which wraps or rethrows I/O failures but not arbitrary ones.
 */
final class FileTooLarge extends IOException {
  private static final long serialVersionUID = 1L;

  FileTooLarge() {
    super("size limit exceeded", null);
  }

  /** True when {@code e} or one of its causes is a FileTooLarge. */
  static boolean in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FileTooLarge) {
        return true;
      }
    }
    return false;
  }
}
