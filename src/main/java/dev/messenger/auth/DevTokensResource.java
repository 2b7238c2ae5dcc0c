package dev.messenger.auth;

import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Development sign-in for a browser page: any user id, no credentials. web.xml leaves this path
 * unconstrained; {@link DevSignIn} decides whether it exists at all (404 when not).
 */
@Path("dev/tokens")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DevTokensResource {
  @Inject DevSignIn signIn;

  /** The response body. */
  public record TokenBody(String token, long expiresInMs) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Development only: a signed token for any user",
      description =
          "Exists only on a server that verifies tokens with the development key and is not in"
              + " production; elsewhere 404.")
  @RequestBody(
      content =
          @Content(
              example = "{\"userId\":\"alice\"}",
              schema = @Schema(requiredProperties = "userId")))
  @APIResponse(
      responseCode = "200",
      description = "The token",
      content = @Content(schema = @Schema(implementation = TokenBody.class)))
  @APIResponse(responseCode = "400", description = "Malformed body or invalid userId")
  @APIResponse(responseCode = "404", description = "Not a development server")
  public Response mint(String body) {
    DevTokens tokens =
        signIn
            .tokens()
            .orElseThrow(
                () ->
                    new RequestRefused(
                        ErrorCode.NOT_FOUND,
                        "development tokens are only issued by a development server"));
    DevTokens.Minted minted = tokens.mint(userId(body));
    return Response.ok(new TokenBody(minted.token(), minted.expiresInMs()))
        .header("Cache-Control", "no-store")
        .build();
  }

  /** The body's {@code userId}, validated; every refusal is a JSON 400. */
  static String userId(String body) {
    JsonValue value;
    try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
      value = reader.readValue();
    } catch (JsonParsingException e) {
      throw new RequestRefused(ErrorCode.BAD_REQUEST, "body is not valid JSON");
    } catch (JsonException e) {
      throw new RequestRefused(ErrorCode.BAD_REQUEST, "body must be a JSON object");
    }
    if (!(value instanceof JsonObject object)) {
      throw new RequestRefused(ErrorCode.BAD_REQUEST, "body must be a JSON object");
    }
    if (!(object.get("userId") instanceof JsonString userId)) {
      throw RequestRefused.validation("userId must be a string");
    }
    if (!DevTokens.validUserId(userId.getString())) {
      throw RequestRefused.validation(DevTokens.USER_ID_RULE);
    }
    return userId.getString();
  }
}
