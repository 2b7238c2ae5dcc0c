package dev.messenger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import org.junit.jupiter.api.Test;

class RequestRefusedMapperTest {

  @Test
  void statusPerCode() {
    assertEquals(404, RequestRefusedMapper.status(RequestRefused.notFound("chat")));
    assertEquals(403, RequestRefusedMapper.status(RequestRefused.forbidden("no")));
    assertEquals(400, RequestRefusedMapper.status(RequestRefused.validation("bad")));
    assertEquals(400, RequestRefusedMapper.status(new RequestRefused(ErrorCode.BAD_REQUEST, "x")));
    assertEquals(429, RequestRefusedMapper.status(RequestRefused.rateLimited("message", 10)));
    assertEquals(503, RequestRefusedMapper.status(RequestRefused.overloaded("busy", 1000)));
    assertEquals(500, RequestRefusedMapper.status(RequestRefused.internal()));
  }
}
