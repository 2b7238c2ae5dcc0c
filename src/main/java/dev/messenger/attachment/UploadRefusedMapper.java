package dev.messenger.attachment;

import dev.messenger.RequestRefusedMapper.ErrorBody;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A refused upload gets the same {@code {"code", "message"}} body as every other REST error. */
@Provider
public class UploadRefusedMapper implements ExceptionMapper<UploadRefused> {
  @Override
  public Response toResponse(UploadRefused refused) {
    return Response.status(refused.status())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorBody(refused.code(), refused.getMessage()))
        .build();
  }
}
