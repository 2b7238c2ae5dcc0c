package dev.messenger.auth;

import dev.messenger.RequestRefusedMapper.ErrorBody;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Trades the caller's bearer token for a one-time WebSocket ticket (web.xml requires the token).
 */
@Path("ws-tickets")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TicketsResource {
  @Inject JsonWebToken jwt;
  @Inject WsTickets tickets;

  /** The response body. */
  public record TicketBody(String ticket, long expiresInMs) {}

  @POST
  @Operation(
      summary = "A one-time ticket for the WebSocket handshake",
      description =
          "Browsers cannot send an Authorization header on a WebSocket: open"
              + " ws://host/messenger?ticket=<ticket> instead. The ticket works once, within"
              + " expiresInMs, for the caller's user.")
  @APIResponse(
      responseCode = "201",
      description = "The ticket",
      content = @Content(schema = @Schema(implementation = TicketBody.class)))
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  public Response issue() {
    long tokenExpiresAtMs = jwt.getExpirationTime() * 1000;
    WsTickets.Issued issued;
    try {
      issued = tickets.issue(jwt.getSubject(), tokenExpiresAtMs);
    } catch (IllegalArgumentException e) {
      // Accepted within the clock skew, but a ticket from it would already be dead.
      return Response.status(Response.Status.UNAUTHORIZED)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(new ErrorBody("UNAUTHORIZED", "the token has expired"))
          .build();
    }
    return Response.status(Response.Status.CREATED)
        .header("Cache-Control", "no-store")
        .entity(new TicketBody(issued.ticket(), issued.expiresInMs()))
        .build();
  }
}
