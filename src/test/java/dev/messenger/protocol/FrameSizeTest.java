package dev.messenger.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameSizeTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "é", "€", "😀", "a😀é€"})
  void agreesWithTheUtf8EncoderAtEveryLimit(String unit) {
    String frame = unit.repeat(7);
    int bytes = frame.getBytes(StandardCharsets.UTF_8).length;
    for (int max = 0; max <= bytes + 2; max++) {
      assertEquals(bytes > max, FrameSize.exceeds(frame, max), frame + " at " + max);
    }
  }

  @Test
  void agreesWithTheUtf8EncoderOnRandomText() {
    Random random = new Random(42);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder frame = new StringBuilder();
      int length = random.nextInt(60);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(4);
        frame.appendCodePoint(
            switch (kind) {
              case 0 -> 0x20 + random.nextInt(0x5f);
              case 1 -> 0x80 + random.nextInt(0x780);
              case 2 -> 0x800 + random.nextInt(0xd000 - 0x800);
              default -> 0x10000 + random.nextInt(0x1000);
            });
      }
      String text = frame.toString();
      int bytes = text.getBytes(StandardCharsets.UTF_8).length;
      int max = random.nextInt(bytes + 5);
      assertEquals(bytes > max, FrameSize.exceeds(text, max), text + " at " + max);
    }
  }

  @Test
  void aLoneSurrogateCountsAsThreeBytesLikeTheWireReplacement() {
    assertEquals(false, FrameSize.exceeds("\ud800", 3));
    assertEquals(true, FrameSize.exceeds("\ud800", 2));
  }
}
