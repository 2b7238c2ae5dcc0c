package dev.messenger.message;

import dev.messenger.protocol.MessageType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one new message wrote in its send transaction, as the {@link SendJournal} keeps it until the
 * database has written its store out: the message row (with the tempId's key as stored, null when
 * it went without one) and the attachments linked to it. Replaying it writes the same rows.
 *
 * <p>A batch is one journal entry: a version byte, the count, then each send's fields. Binary with
 * {@link DataOutputStream} rather than JSON: it is written for every message on the hot path and
 * read only after a crash, by this class alone.
 */
public record JournaledSend(Message message, Long tempKey, List<String> attachmentIds) {
  private static final int VERSION = 1;

  public JournaledSend {
    attachmentIds = List.copyOf(attachmentIds);
  }

  /**
   * One entry for the batch, in a buffer over the encoder's own array (position 0, limit the
   * entry's end): the journal writes it from there, where a {@code byte[]} of its own would be one
   * more copy of every message on the writer's thread.
   */
  static ByteBuffer encode(List<JournaledSend> sends) {
    Bytes bytes = new Bytes(64 + 256 * sends.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(sends.size());
      for (JournaledSend send : sends) {
        Message m = send.message();
        writeString(out, m.id());
        writeString(out, m.chatId());
        writeString(out, m.senderId());
        writeString(out, m.content());
        writeString(out, m.messageType().name());
        writeString(out, m.attachmentsJson());
        writeString(out, m.tempId());
        out.writeBoolean(send.tempKey() != null);
        out.writeLong(send.tempKey() == null ? 0 : send.tempKey());
        out.writeLong(m.createdAt());
        out.writeLong(m.seq());
        out.writeInt(send.attachmentIds().size());
        for (String id : send.attachmentIds()) {
          writeString(out, id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.asBuffer();
  }

  /** A byte array stream whose bytes can be read in place. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    ByteBuffer asBuffer() {
      return ByteBuffer.wrap(buf, 0, count);
    }
  }

  /**
   * The sends of one entry.
   *
   * @throws IllegalArgumentException when the entry is not one this class wrote
   */
  static List<JournaledSend> decode(byte[] entry) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("journal entry of unknown version " + version);
      }
      int count = in.readInt();
      List<JournaledSend> sends = new ArrayList<>(Math.min(count, 4096));
      for (int i = 0; i < count; i++) {
        String id = readString(in);
        String chatId = readString(in);
        String senderId = readString(in);
        String content = readString(in);
        MessageType type = MessageType.valueOf(readString(in));
        String attachments = readString(in);
        String tempId = readString(in);
        boolean keyed = in.readBoolean();
        long key = in.readLong();
        long createdAt = in.readLong();
        long seq = in.readLong();
        int files = in.readInt();
        List<String> attachmentIds = new ArrayList<>(Math.min(files, 64));
        for (int f = 0; f < files; f++) {
          attachmentIds.add(readString(in));
        }
        Message message =
            new Message(id, chatId, senderId, content, type, attachments, tempId, createdAt, seq);
        sends.add(new JournaledSend(message, keyed ? key : null, attachmentIds));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("journal entry has bytes after its last send");
      }
      return sends;
    } catch (IOException e) {
      throw new IllegalArgumentException("journal entry cut short", e);
    }
  }

  /** Length-prefixed UTF-8, -1 for null: {@code writeUTF} stops at 64 KB. */
  private static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
