package dev.messenger;

import dev.messenger.protocol.RequestRefused;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A refused REST request becomes {@code {"code": ..., "message": ...}} with the matching status.
 */
@Provider
public class RequestRefusedMapper implements ExceptionMapper<RequestRefused> {

  /** The body of every REST error. */
  public record ErrorBody(String code, String message) {}

  @Override
  public Response toResponse(RequestRefused refused) {
    return Response.status(status(refused))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorBody(refused.code().name(), refused.getMessage()))
        .build();
  }

  static int status(RequestRefused refused) {
    return switch (refused.code()) {
      case NOT_FOUND -> 404;
      case FORBIDDEN -> 403;
      case RATE_LIMITED -> 429;
      case INTERNAL -> 500;
      case OVERLOADED -> 503;
      case BAD_REQUEST, UNKNOWN_EVENT, VALIDATION -> 400;
    };
  }
}
