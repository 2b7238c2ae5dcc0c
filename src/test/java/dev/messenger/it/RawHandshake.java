package dev.messenger.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket handshake over a bare TCP socket, for what a client library hides: the body of a
 * refused upgrade, and a peer that upgrades and then never answers pings.
 */
public final class RawHandshake implements AutoCloseable {
  private final Socket socket;
  private final String head;

  private RawHandshake(Socket socket, String head) {
    this.socket = socket;
    this.head = head;
  }

  public static RawHandshake open(URI ws, String token) throws IOException {
    return open(ws, token, 0);
  }

  /**
   * Like {@link #open(URI, String)}, with a small TCP receive buffer (set before connecting, so the
   * window is small from the start) when {@code receiveBuffer} is positive: a peer that stops
   * reading then backs data up into the server quickly.
   */
  public static RawHandshake open(URI ws, String token, int receiveBuffer) throws IOException {
    return open(
        ws, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token), receiveBuffer);
  }

  /** A handshake with exactly these extra headers (e.g. Origin); {@code ws} may have a query. */
  public static RawHandshake open(URI ws, Map<String, String> headers) throws IOException {
    return open(ws, headers, 0);
  }

  private static RawHandshake open(URI ws, Map<String, String> headers, int receiveBuffer)
      throws IOException {
    Socket socket = new Socket();
    try {
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.connect(new java.net.InetSocketAddress(ws.getHost(), ws.getPort()), 10_000);
      socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
      StringBuilder extra = new StringBuilder();
      headers.forEach(
          (name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      String request =
          "GET "
              + ws.getRawPath()
              + (ws.getRawQuery() == null ? "" : "?" + ws.getRawQuery())
              + " HTTP/1.1\r\nHost: "
              + ws.getHost()
              + ":"
              + ws.getPort()
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
              + "Sec-WebSocket-Key: "
              + Base64.getEncoder().encodeToString(nonce)
              + "\r\n"
              + extra
              + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new RawHandshake(socket, readHead(socket.getInputStream()));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      out.write(b);
      String s = out.toString(StandardCharsets.ISO_8859_1);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
    // The server closed the connection without a whole response (a server stopping does that).
    throw new EOFException(
        "connection closed before a complete response head: '"
            + out.toString(StandardCharsets.ISO_8859_1)
            + "'");
  }

  public int status() {
    return Integer.parseInt(head.split(" ")[1]);
  }

  /** The response's status line and headers. */
  public String head() {
    return head;
  }

  /** The response body of a refused handshake (read up to 4 KB or the end of the stream). */
  public String body() throws IOException {
    byte[] buffer = new byte[4096];
    int n = socket.getInputStream().read(buffer);
    return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * Reads server frames without ever answering, until the server closes; returns the close code, or
   * -1 when the connection ended without a close frame.
   */
  public int readUntilClosed() throws IOException {
    InputStream in = socket.getInputStream();
    while (true) {
      int first = in.read();
      if (first == -1) {
        return -1;
      }
      int opcode = first & 0x0f;
      long length = in.read() & 0x7f;
      if (length == 126) {
        length = (in.read() << 8) | in.read();
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | in.read();
        }
      }
      byte[] payload = in.readNBytes((int) length);
      if (opcode == 0x8) {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
      }
    }
  }

  /** Sends one masked text frame, as a client must. */
  public void sendText(String text) throws IOException {
    sendBinaryAsText(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends these bytes as the payload of a text frame, whether or not they are UTF-8. */
  public void sendBinaryAsText(byte[] payload) throws IOException {
    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
    frame.write(0x81); // FIN + text
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        frame.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    socket.getOutputStream().write(frame.toByteArray());
    socket.getOutputStream().flush();
  }

  /** The close frame the server ended with, and how many payload bytes came before it. */
  public record Close(int code, String reason, long bytesBefore) {}

  /** Reads (and discards) frames until the server's close frame; null if none came. */
  public Close readClose() throws IOException {
    InputStream in = socket.getInputStream();
    long bytes = 0;
    while (true) {
      int first = in.read();
      if (first == -1) {
        return null;
      }
      int opcode = first & 0x0f;
      long length = in.read() & 0x7f;
      if (length == 126) {
        length = (in.read() << 8) | in.read();
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | in.read();
        }
      }
      byte[] payload = in.readNBytes((int) length);
      if (opcode == 0x8) {
        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        String reason =
            payload.length > 2
                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                : "";
        return new Close(code, reason, bytes);
      }
      bytes += length;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
