package dev.messenger.protocol;

/**
 * An event the server refuses for a reason the client can act on. Thrown by control code and turned
 * into an {@code error} event by the endpoint; it carries no stack trace because it is not a
 * failure.
 */
public class RequestRefused extends RuntimeException {
  private final ErrorCode code;
  private final Long retryAfterMs;

  public RequestRefused(ErrorCode code, String message) {
    this(code, message, null);
  }

  private RequestRefused(ErrorCode code, String message, Long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  public ErrorCode code() {
    return code;
  }

  /**
   * When a rate limit or overload refused the event: milliseconds until it is worth retrying;
   * otherwise null.
   */
  public Long retryAfterMs() {
    return retryAfterMs;
  }

  public static RequestRefused rateLimited(String action, long retryAfterMs) {
    return new RequestRefused(
        ErrorCode.RATE_LIMITED, "too many " + action + " events; retry later", retryAfterMs);
  }

  /** A refusal as decoded or caught elsewhere; {@code retryAfterMs} may be null. */
  public static RequestRefused of(ErrorCode code, String message, Long retryAfterMs) {
    return new RequestRefused(code, message, retryAfterMs);
  }

  /** The server failed on its side; the event was not applied and may be sent again. */
  public static RequestRefused internal() {
    return new RequestRefused(ErrorCode.INTERNAL, "the server failed to apply the event; retry");
  }

  /** The node cannot take more of this work now; the client retries after the given wait. */
  public static RequestRefused overloaded(String message, long retryAfterMs) {
    return new RequestRefused(ErrorCode.OVERLOADED, message, retryAfterMs);
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
