package dev.messenger.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key under which a message's tempId is unique: 64 bits of SHA-256 over the chat, the sender
 * and the tempId. One BIGINT in a narrow unique index, instead of a unique index over the three
 * strings, which was the most expensive structure H2 rewrote for every stored message (see
 * bench/README.md, "The tempId under a 64-bit key").
 *
 * <p>Two different tempIds may share a key, about once in 2^64 / n sends for n stored messages: the
 * later message is then stored without a key and found by its strings ({@link SendRows#byTempId}).
 * Keys are stored: the function must never change.
 */
@FunctionalInterface
public interface TempKeys {
  long of(String chatId, String senderId, String tempId);

  /** The function every database holds its keys under. */
  TempKeys SHA_256 = TempKeys::sha256;

  private static long sha256(String chatId, String senderId, String tempId) {
    MessageDigest digest = Sha256.fresh();
    // Each field with its length first: ("ab", "c") and ("a", "bc") must not meet.
    for (String field : new String[] {chatId, senderId, tempId}) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
      digest.update(bytes);
    }
    return ByteBuffer.wrap(digest.digest()).getLong();
  }

  /**
   * Copies of one digest: {@link MessageDigest#getInstance} searches the security providers on
   * every call, once per stored message on the writer's thread.
   */
  final class Sha256 {
    private static final MessageDigest PROTOTYPE = lookUp();

    private Sha256() {}

    static MessageDigest fresh() {
      try {
        return (MessageDigest) PROTOTYPE.clone();
      } catch (CloneNotSupportedException e) {
        return lookUp(); // a provider whose digest cannot be copied: look it up each time
      }
    }

    private static MessageDigest lookUp() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }
  }
}
