package dev.messenger.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.DefaultFieldParser;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Reads one named part of a {@code multipart/form-data} body as a stream, with mime4j's pull
 * parser. Nothing is buffered beyond the parser's line buffer: the part's bytes go straight from
 * the request to whoever reads them, so the caller's limits hold. (JAX-RS {@code EntityPart} and
 * Servlet {@code getPart} would both parse, and spool to disk or memory, the whole body first.)
 */
public final class MultipartUpload {
  private static final String FORM_DATA = "multipart/form-data";
  private static final MimeConfig CONFIG =
      new MimeConfig.Builder()
          .setMaxHeaderCount(32)
          .setMaxHeaderLen(8 * 1024)
          .setMaxLineLen(8 * 1024)
          // Lenient parsing would take a body cut off before its closing boundary as complete.
          .setStrictParsing(true)
          .build();

  private MultipartUpload() {}

  /** A part as the client sent it: names and type are the client's claims, unchecked. */
  public record Part(String fileName, String contentType, InputStream body) {}

  @FunctionalInterface
  public interface PartReader<T> {
    T read(Part part) throws IOException;
  }

  /**
   * Checks the request's Content-Type before any byte is read.
   *
   * @throws UploadRefused 415 when it is not {@code multipart/form-data}, 400 without a boundary
   */
  public static void requireFormData(String contentType) {
    if (contentType == null || !AttachmentPolicy.essence(contentType).equals(FORM_DATA)) {
      throw UploadRefused.unsupportedType("the request body must be multipart/form-data");
    }
    String boundary;
    try {
      boundary =
          DefaultFieldParser.parse("Content-Type: " + contentType) instanceof ContentTypeField type
              ? type.getBoundary()
              : null;
    } catch (MimeException e) {
      boundary = null;
    }
    if (boundary == null || boundary.isEmpty()) {
      throw UploadRefused.badRequest("the multipart/form-data Content-Type has no boundary");
    }
  }

  /**
   * Hands the first part named {@code field} to {@code reader} and stops there; empty when the body
   * has no such part. Parts before it are skipped unread (their bytes still count against any limit
   * on {@code body}).
   *
   * @throws UploadRefused 400 when the body is not well-formed multipart
   */
  public static <T> Optional<T> read(
      InputStream body, String contentType, String field, PartReader<T> reader) throws IOException {
    MimeTokenStream stream = new MimeTokenStream(CONFIG);
    // A nested multipart is one opaque part here, never a place to look for the field.
    stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
    try {
      stream.parseHeadless(body, contentType);
      String name = null;
      String fileName = null;
      String partType = null;
      for (EntityState state = stream.getState();
          state != EntityState.T_END_OF_STREAM;
          state = stream.next()) {
        switch (state) {
          case T_START_BODYPART -> {
            name = null;
            fileName = null;
            partType = null;
          }
          case T_FIELD -> {
            Field header = stream.getField();
            if (header.getNameLowerCase().equals("content-disposition")) {
              Map<String, String> params = parameters(valueOf(header));
              name = params.get("name");
              fileName = params.get("filename");
            } else if (header.getNameLowerCase().equals("content-type")) {
              partType = valueOf(header);
            }
          }
          case T_BODY -> {
            if (field.equals(name)) {
              T result = reader.read(new Part(fileName, partType, stream.getDecodedInputStream()));
              // Only the closing boundary proves the part complete; a body cut short ends without
              // it, and strict parsing reports that when the parser moves past the part.
              stream.next();
              return Optional.of(result);
            }
          }
          default -> {}
        }
      }
      return Optional.empty();
    } catch (MimeException e) {
      throw UploadRefused.badRequest("malformed multipart body");
    }
  }

  /**
   * A part header's value, decoded from its raw bytes as UTF-8: browsers send non-ASCII file names
   * as raw UTF-8 (RFC 7578), which mime4j would read as ASCII.
   */
  private static String valueOf(Field header) {
    String raw = new String(header.getRaw().toByteArray(), StandardCharsets.UTF_8);
    return raw.substring(raw.indexOf(':') + 1).strip();
  }

  /**
   * The parameters of {@code form-data; name="file"; filename="a.png"}, keys in lower case. Written
   * here rather than with mime4j's RFC 2045 parser, which refuses what browsers send: raw UTF-8,
   * and backslashes that are not escapes (old browsers send {@code C:\Users\...} paths). A
   * backslash escapes only a quote or a backslash, as curl writes them.
   */
  static Map<String, String> parameters(String value) {
    Map<String, String> params = new HashMap<>();
    int i = value.indexOf(';');
    while (i >= 0 && i < value.length()) {
      int equals = value.indexOf('=', i + 1);
      if (equals < 0) {
        break;
      }
      String key = value.substring(i + 1, equals).strip().toLowerCase(Locale.ROOT);
      StringBuilder val = new StringBuilder();
      int j = equals + 1;
      while (j < value.length() && value.charAt(j) == ' ') {
        j++;
      }
      if (j < value.length() && value.charAt(j) == '"') {
        for (j++; j < value.length() && value.charAt(j) != '"'; j++) {
          char c = value.charAt(j);
          if (c == '\\' && j + 1 < value.length() && "\"\\".indexOf(value.charAt(j + 1)) >= 0) {
            c = value.charAt(++j);
          }
          val.append(c);
        }
        j = value.indexOf(';', j);
      } else {
        int end = value.indexOf(';', j);
        val.append(value.substring(j, end < 0 ? value.length() : end).strip());
        j = end;
      }
      params.putIfAbsent(key, val.toString());
      i = j;
    }
    return params;
  }
}
