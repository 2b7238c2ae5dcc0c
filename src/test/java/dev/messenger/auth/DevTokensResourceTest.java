package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DevTokensResourceTest {

  @Test
  void withoutASignerTheEndpointIsNotFound() {
    DevTokensResource resource = new DevTokensResource();
    resource.signIn = new DevSignIn(Optional.empty());
    RequestRefused refused =
        assertThrows(RequestRefused.class, () -> resource.mint("{\"userId\":\"alice\"}"));
    assertEquals(ErrorCode.NOT_FOUND, refused.code());
  }

  @Test
  void theUserIdIsReadFromTheBody() {
    assertEquals("alice", DevTokensResource.userId("{\"userId\":\"alice\",\"other\":1}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|BAD_REQUEST",
        "not json|BAD_REQUEST",
        "[\"alice\"]|BAD_REQUEST",
        "\"alice\"|BAD_REQUEST",
        "{}|VALIDATION",
        "{\"userId\":null}|VALIDATION",
        "{\"userId\":42}|VALIDATION",
        "{\"userId\":\"\"}|VALIDATION",
        "{\"userId\":\"bad id\"}|VALIDATION",
        "{\"user\":\"alice\"}|VALIDATION"
      })
  void badBodiesAreRefusedWithAClearError(String body, ErrorCode code) {
    RequestRefused refused =
        assertThrows(RequestRefused.class, () -> DevTokensResource.userId(body));
    assertEquals(code, refused.code(), refused::getMessage);
  }
}
