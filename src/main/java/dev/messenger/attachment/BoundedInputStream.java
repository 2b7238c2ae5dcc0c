package dev.messenger.attachment;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fails with {@link FileTooLarge} as soon as more than {@code max} bytes were read, so no parser or
 * buffer behind it ever sees more than that of a request.
 */
final class BoundedInputStream extends FilterInputStream {
  private final long max;
  private long count;

  BoundedInputStream(InputStream in, long max) {
    super(in);
    this.max = max;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  /** Counting would be wrong after a reset. */
  @Override
  public boolean markSupported() {
    return false;
  }

  private void counted(long n) throws FileTooLarge {
    count += n;
    if (count > max) {
      throw new FileTooLarge();
    }
  }
}
