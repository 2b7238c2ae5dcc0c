package dev.messenger.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.messenger.protocol.DecodeResult.Decoded;
import dev.messenger.protocol.DecodeResult.Rejected;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Throws generated garbage at the decoder. The seed is fixed so a failure reproduces; the failing
 * frame's number and a prefix of it are in the assertion message.
 */
class FrameDecoderFuzzTest {
  private static final long SEED = 0x5EED_F00DL;
  private static final int FRAMES_PER_GENERATOR = 2_000;

  private final FrameDecoder decoder = new FrameDecoder(new ProtocolLimits(4000, 10, 32, 64));

  /** Valid {@code data} bodies (without braces) of every event: what mutations start from. */
  private static final List<Map.Entry<String, String>> VALID_DATA =
      List.of(
          Map.entry("send_message", "\"chatId\":\"c1\",\"content\":\"hello\",\"tempId\":\"t1\""),
          Map.entry(
              "send_message",
              "\"chatId\":\"c1\",\"content\":\"\",\"messageType\":\"image\",\"tempId\":\"t2\","
                  + "\"attachments\":[\"3f2c9a1e-0000-4000-8000-000000000001\"]"),
          Map.entry("edit_message", "\"messageId\":\"m1\",\"content\":\"caf\\u00e9\""),
          Map.entry("delete_message", "\"messageId\":\"m1\""),
          Map.entry("join_chat", "\"chatId\":\"c1\",\"lastSeq\":42"),
          Map.entry("join_chat", "\"chatId\":\"c1\",\"lastMessageId\":\"m7\""),
          Map.entry("leave_chat", "\"chatId\":\"c1\""),
          Map.entry("typing_start", "\"chatId\":\"c1\""),
          Map.entry("typing_stop", "\"chatId\":\"c1\""),
          Map.entry("add_reaction", "\"messageId\":\"m1\",\"emoji\":\"\\ud83d\\udc4d\""),
          Map.entry("remove_reaction", "\"messageId\":\"m1\",\"emoji\":\"+1\""));

  private static final List<String> VALID =
      VALID_DATA.stream().map(e -> frame(e.getKey(), "{" + e.getValue() + "}")).toList();

  /** Pieces that tend to break parsers and validators when spliced into a frame. */
  private static final List<String> NASTY =
      List.of(
          "\u0000",
          "\\u0000",
          "\uD800",
          "\\ud800",
          "\uDC00",
          "\\udc00\\ud800",
          "\uD83D\uDE00",
          "\uFEFF",
          "\u202E",
          "\u2028",
          "\\",
          "\"",
          "{",
          "}",
          "[",
          "]",
          ",",
          ":",
          "null",
          "true",
          "-",
          "1e999999999",
          "-1e999999999",
          "1e-999999999",
          "1e99999999999",
          "9".repeat(1200),
          "0.0000000000000000000001",
          "-0",
          "NaN",
          "Infinity",
          "[".repeat(2000),
          "{\"a\":".repeat(500),
          "\"x\":{}",
          "é",
          "\u00A0",
          "\t\r\n");

  private enum Kind {
    RANDOM_CHARS,
    RANDOM_UTF8_BYTES,
    TRUNCATED,
    MUTATED,
    SPLICED,
    DEEP,
    HUGE_NUMBERS,
    WRONG_TYPES
  }

  @Test
  void decodeNeverThrowsAndAlwaysExplainsRejections() {
    Random random = new Random(SEED);
    Map<Kind, Function<Random, String>> generators = new EnumMap<>(Kind.class);
    generators.put(Kind.RANDOM_CHARS, FrameDecoderFuzzTest::randomChars);
    generators.put(Kind.RANDOM_UTF8_BYTES, FrameDecoderFuzzTest::randomUtf8Bytes);
    generators.put(Kind.TRUNCATED, FrameDecoderFuzzTest::truncated);
    generators.put(Kind.MUTATED, FrameDecoderFuzzTest::mutated);
    generators.put(Kind.SPLICED, FrameDecoderFuzzTest::spliced);
    generators.put(Kind.DEEP, FrameDecoderFuzzTest::deep);
    generators.put(Kind.HUGE_NUMBERS, FrameDecoderFuzzTest::hugeNumbers);
    generators.put(Kind.WRONG_TYPES, FrameDecoderFuzzTest::wrongTypes);

    int total = 0;
    int decoded = 0;
    Map<ErrorCode, Integer> rejected = new EnumMap<>(ErrorCode.class);
    for (Map.Entry<Kind, Function<Random, String>> generator : generators.entrySet()) {
      for (int i = 0; i < FRAMES_PER_GENERATOR; i++, total++) {
        String frame = generator.getValue().apply(random);
        DecodeResult result = check(generator.getKey(), i, frame);
        if (result instanceof Rejected r) {
          rejected.merge(r.code(), 1, Integer::sum);
        } else {
          decoded++;
        }
      }
    }
    assertEquals(generators.size() * FRAMES_PER_GENERATOR, total);
    assertTrue(total >= 10_000);
    // If the generators only produced unparseable text they would test the parser, not the rules.
    assertTrue(decoded > 0, "no generated frame decoded");
    for (ErrorCode code :
        List.of(ErrorCode.BAD_REQUEST, ErrorCode.UNKNOWN_EVENT, ErrorCode.VALIDATION)) {
      assertTrue(rejected.getOrDefault(code, 0) > 0, () -> "no " + code + " among " + rejected);
    }
  }

  @Test
  void everyValidSeedFrameDecodes() {
    for (String frame : VALID) {
      assertTrue(decoder.decode(frame) instanceof Decoded, frame);
    }
  }

  private DecodeResult check(Kind kind, int index, String frame) {
    String where = kind + " #" + index + ": " + preview(frame);
    DecodeResult result;
    try {
      result = decoder.decode(frame);
    } catch (Throwable t) {
      return fail("decode threw on " + where, t);
    }
    assertNotNull(result, where);
    if (result instanceof Rejected r) {
      assertNotNull(r.code(), where);
      assertNotNull(r.message(), where);
      assertTrue(
          r.message().length() <= 200, () -> "long message for " + where + ": " + r.message());
    } else {
      assertNotNull(((Decoded) result).event(), where);
    }
    return result;
  }

  private static String preview(String frame) {
    return frame.length() <= 120 ? frame : frame.substring(0, 120) + "… (" + frame.length() + ")";
  }

  // ---- generators

  private static final String JSON_ALPHABET = "{}[]\":,\\ 0123456789-+.eEtrufalsn\"abc";

  private static String randomChars(Random random) {
    int length = random.nextInt(200);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      // Mostly JSON's own alphabet, sometimes any UTF-16 unit, lone surrogates included.
      out.append(
          random.nextInt(4) == 0
              ? (char) random.nextInt(Character.MAX_VALUE + 1)
              : JSON_ALPHABET.charAt(random.nextInt(JSON_ALPHABET.length())));
    }
    return out.toString();
  }

  private static String randomUtf8Bytes(Random random) {
    byte[] bytes = new byte[random.nextInt(300)];
    random.nextBytes(bytes);
    // What a container would hand over if a client sent bytes that are not UTF-8.
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String truncated(Random random) {
    String frame = pick(random, VALID);
    return frame.substring(0, random.nextInt(frame.length() + 1));
  }

  private static String mutated(Random random) {
    StringBuilder frame = new StringBuilder(pick(random, VALID));
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && frame.length() > 0; e++) {
      int at = random.nextInt(frame.length());
      switch (random.nextInt(4)) {
        case 0 -> frame.deleteCharAt(at);
        case 1 -> frame.insert(at, (char) random.nextInt(128));
        case 2 -> frame.setCharAt(at, (char) random.nextInt(Character.MAX_VALUE + 1));
        default -> {
          int other = random.nextInt(frame.length());
          char c = frame.charAt(at);
          frame.setCharAt(at, frame.charAt(other));
          frame.setCharAt(other, c);
        }
      }
    }
    return frame.toString();
  }

  private static String spliced(Random random) {
    StringBuilder frame = new StringBuilder(pick(random, VALID));
    int pieces = 1 + random.nextInt(3);
    for (int p = 0; p < pieces; p++) {
      frame.insert(random.nextInt(frame.length() + 1), pick(random, NASTY));
    }
    return frame.toString();
  }

  private static String deep(Random random) {
    int depth = 1 + random.nextInt(random.nextBoolean() ? 40 : 40_000);
    String open = random.nextBoolean() ? "[" : "{\"k\":";
    String close = open.equals("[") ? "]" : "}";
    String nested = open.repeat(depth) + "1" + (random.nextBoolean() ? close.repeat(depth) : "");
    return switch (random.nextInt(3)) {
      case 0 -> nested;
      case 1 -> "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\",\"x\":" + nested + "}}";
      default -> "{\"event\":" + nested + ",\"data\":{}}";
    };
  }

  private static String hugeNumbers(Random random) {
    List<String> numbers =
        List.of(
            "1e400",
            "-1e400",
            "1e999999999",
            "1e-999999999",
            "1e2147483648",
            "9".repeat(1 + random.nextInt(3000)),
            "0." + "0".repeat(random.nextInt(3000)) + "1",
            "9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-0.0",
            "1E+3");
    String number = pick(random, numbers);
    return switch (random.nextInt(4)) {
      case 0 -> "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":" + number + "}}";
      case 1 ->
          "{\"event\":\"send_message\",\"data\":{\"chatId\":\"c1\",\"content\":\"x\",\"tempId\":"
              + "\"t\",\"attachments\":["
              + number
              + "]}}";
      case 2 -> "{\"event\":" + number + ",\"data\":{}}";
      default -> number;
    };
  }

  private static String wrongTypes(Random random) {
    List<String> values =
        List.of(
            "null",
            "true",
            "0",
            "-1",
            "1.5",
            "\"\"",
            "\" \"",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "\"" + "x".repeat(random.nextInt(5000)) + "\"",
            "[]",
            "[\"a\"]",
            "{}",
            "{\"url\":1}");
    List<String> fields =
        List.of(
            "chatId",
            "content",
            "messageType",
            "tempId",
            "attachments",
            "messageId",
            "lastSeq",
            "lastMessageId",
            "emoji");
    Map.Entry<String, String> valid = pick(random, VALID_DATA);
    String value = pick(random, values);
    return switch (random.nextInt(5)) {
      case 0 -> frame(valid.getKey(), value);
      case 1 -> "{\"event\":" + value + ",\"data\":{" + valid.getValue() + "}}";
      default ->
          // The last of duplicate keys wins, so this replaces a field as often as it adds one.
          frame(
              valid.getKey(),
              "{" + valid.getValue() + ",\"" + pick(random, fields) + "\":" + value + "}");
    };
  }

  private static String frame(String event, String data) {
    return "{\"event\":\"" + event + "\",\"data\":" + data + "}";
  }

  private static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
