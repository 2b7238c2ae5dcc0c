package dev.messenger.protocol;

/**
 * An event the server refuses for a reason the client can act on. Thrown by control code and turned into
 * an {@code error} event by the endpoint; it carries no stack trace because it is not a failure.
 */
public class RequestRefused extends RuntimeException {
  private final ErrorCode code;

  public RequestRefused(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static RequestRefused notFound(String what) {
    return new RequestRefused(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static RequestRefused forbidden(String message) {
    return new RequestRefused(ErrorCode.FORBIDDEN, message);
  }

  public static RequestRefused validation(String message) {
    return new RequestRefused(ErrorCode.VALIDATION, message);
  }
}
