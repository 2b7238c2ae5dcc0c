package dev.messenger.attachment;

/**
 * An upload refused for a reason the client can fix, with its HTTP status. Carries no stack trace:
 * it is an answer, not a failure.
 */
public class UploadRefused extends RuntimeException {
  private final int status;
  private final String code;

  public UploadRefused(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  static UploadRefused tooLarge(long maxBytes) {
    return new UploadRefused(413, "TOO_LARGE", "the file is larger than " + maxBytes + " bytes");
  }

  static UploadRefused unsupportedType(String message) {
    return new UploadRefused(415, "UNSUPPORTED_TYPE", message);
  }

  static UploadRefused validation(String message) {
    return new UploadRefused(400, "VALIDATION", message);
  }

  static UploadRefused badRequest(String message) {
    return new UploadRefused(400, "BAD_REQUEST", message);
  }
}
