package dev.messenger.chat;

import dev.messenger.config.MessengerConfig;
import dev.messenger.message.MessageStore;
import dev.messenger.message.Messages;
import dev.messenger.protocol.RequestRefused;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Chats and message history over REST. web.xml lets only requests with a valid JWT reach it. */
@Path("chats")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChatsResource {
  @Inject JsonWebToken jwt;
  @Inject Chats chats;
  @Inject Messages messages;
  @Inject MessengerConfig config;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Create a chat; the caller is always a member")
  public Response create(String body, @Context UriInfo uri) {
    CreateChatRequest request = CreateChatRequest.parse(body);
    ChatStore.ChatView chat = chats.create(jwt.getSubject(), request.name(), request.memberIds());
    return Response.created(uri.getAbsolutePathBuilder().path(chat.id()).build())
        .entity(chat)
        .build();
  }

  @GET
  @Operation(summary = "The caller's chats, newest first")
  public List<ChatStore.ChatView> list() {
    return chats.listFor(jwt.getSubject());
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One chat of the caller")
  public ChatStore.ChatView get(@PathParam("id") String chatId) {
    return chats.view(jwt.getSubject(), chatId);
  }

  @GET
  @Path("{id}/messages")
  @Operation(
      summary = "A page of history, newest first; pass nextBefore as before for older messages")
  public MessageStore.HistoryPage history(
      @PathParam("id") String chatId,
      @QueryParam("before") String before,
      @QueryParam("limit") String limit) {
    return messages.history(
        jwt.getSubject(),
        chatId,
        before == null || before.isBlank() ? null : before,
        pageSize(limit, config.historyDefaultPageSize(), config.historyMaxPageSize()));
  }

  /**
   * Taken as a string: JAX-RS answers 404 to a query parameter it cannot convert. Larger than the
   * maximum is clamped, not refused.
   */
  static int pageSize(String limit, int defaultSize, int maxSize) {
    if (limit == null || limit.isBlank()) {
      return defaultSize;
    }
    int size;
    try {
      size = Integer.parseInt(limit.strip());
    } catch (NumberFormatException e) {
      throw RequestRefused.validation("limit must be a whole number");
    }
    if (size < 1) {
      throw RequestRefused.validation("limit must be at least 1");
    }
    return Math.min(size, maxSize);
  }
}
