package dev.messenger.attachment;

import dev.messenger.protocol.Attachment;
import dev.messenger.protocol.RequestRefused;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Upload and download of attachments. The body is taken as a plain stream and parsed here (see
 * {@link MultipartUpload}), which any JAX-RS runtime passes through unbuffered.
 */
@Path("attachments")
@RequestScoped
public class AttachmentsResource {
  /** Private content: browsers may keep it briefly, shared caches never. */
  private static final CacheControl PRIVATE = CacheControl.valueOf("private, max-age=3600");

  @Inject JsonWebToken jwt;
  @Inject AttachmentStorage storage;

  // No @Consumes: a request that is not multipart/form-data gets a JSON 415 from Uploads rather
  // than the runtime's own.
  @POST
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Upload a file (multipart/form-data, field \"file\")")
  public Response upload(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      InputStream body,
      @Context UriInfo uri) {
    AttachmentRecord stored =
        storage.upload(jwt.getSubject(), contentType, length(contentLength), body);
    return Response.created(uri.getBaseUriBuilder().path("attachments").path(stored.id()).build())
        .entity(stored.metadata())
        .build();
  }

  @GET
  @Path("{id}")
  @Operation(summary = "The file, for its uploader and the members of chats it was sent in")
  public Response download(@PathParam("id") String id, @Context Request request) {
    AttachmentStorage.Download download = readable(id);
    AttachmentRecord a = download.attachment();
    EntityTag tag = new EntityTag(a.sha256());
    Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
    Response.ResponseBuilder response =
        notModified != null
            ? notModified
            : Response.ok(download.path().toFile(), a.contentType())
                .header(HttpHeaders.CONTENT_LENGTH, a.size())
                .header(
                    "Content-Disposition",
                    FileNames.contentDisposition(
                        AttachmentPolicy.inline(a.contentType()), a.name()));
    return response
        .tag(tag)
        .cacheControl(PRIVATE)
        // Never guess another type than the checked one, and never run anything a file contains.
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "default-src 'none'; sandbox")
        .build();
  }

  @GET
  @Path("{id}/meta")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The attachment's metadata, for those who may download it")
  public Attachment meta(@PathParam("id") String id) {
    return readable(id).attachment().metadata();
  }

  private AttachmentStorage.Download readable(String id) {
    return storage
        .download(jwt.getSubject(), id)
        .orElseThrow(() -> RequestRefused.notFound("attachment"));
  }

  private static Long length(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      throw UploadRefused.badRequest("Content-Length is not a number");
    }
  }
}
