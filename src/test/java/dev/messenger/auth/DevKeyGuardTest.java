package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.messenger.auth.DevKeyGuard.Decision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DevKeyGuardTest {

  // Surefire runs in the Maven basedir, so these are the files the repository ships.
  private static final Path DEV_KEY = Path.of("dev/jwt/public-key.pem");
  private static final Path SERVER_COPY = Path.of("server-config/liberty/dev-jwt/public-key.pem");

  private static String read(Path path) throws IOException {
    return Files.readString(path, StandardCharsets.US_ASCII);
  }

  private static String freshPublicKeyPem() throws NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    byte[] der = generator.generateKeyPair().getPublic().getEncoded();
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void theConstantIsTheFingerprintOfTheShippedDevKey() throws IOException {
    assertEquals(DevKeyGuard.DEV_KEY_SHA256, DevKeyGuard.fingerprint(read(DEV_KEY)));
  }

  @Test
  void theServerConfigCopyIsTheSameDevKey() throws IOException {
    // server.xml points MP JWT at this copy by default; if it drifted, the guard would miss it.
    assertEquals(DevKeyGuard.DEV_KEY_SHA256, DevKeyGuard.fingerprint(read(SERVER_COPY)));
  }

  @Test
  void fingerprintIgnoresLineBreaksAndCarriageReturns() throws IOException {
    String windows = read(DEV_KEY).replace("\n", "\r\n");
    String oneLine = read(DEV_KEY).replace("\n", "");

    assertEquals(DevKeyGuard.DEV_KEY_SHA256, DevKeyGuard.fingerprint(windows));
    assertEquals(DevKeyGuard.DEV_KEY_SHA256, DevKeyGuard.fingerprint(oneLine));
  }

  @Test
  void anotherKeyHasAnotherFingerprint() throws NoSuchAlgorithmException {
    String fingerprint = DevKeyGuard.fingerprint(freshPublicKeyPem());

    assertEquals(64, fingerprint.length(), "a SHA-256 in hex");
    assertNotEquals(DevKeyGuard.DEV_KEY_SHA256, fingerprint);
  }

  @Test
  void garbageHasNoFingerprintAndDoesNotThrow() {
    assertEquals("", DevKeyGuard.fingerprint("-----BEGIN PUBLIC KEY-----\n%%% not base64 %%%\n"));
    assertEquals("", DevKeyGuard.fingerprint("ssh-rsa AAAA user@host"));
  }

  @Test
  void productionWithoutAConfiguredKeyIsRefused() {
    // Without a key MP JWT would fall back to the development key.
    assertEquals(Decision.REFUSE, DevKeyGuard.decide(true, Optional.empty()));
  }

  @Test
  void productionWithTheDevKeyIsRefused() throws IOException {
    assertEquals(Decision.REFUSE, DevKeyGuard.decide(true, Optional.of(read(SERVER_COPY))));
  }

  @Test
  void productionWithItsOwnKeyStarts() throws NoSuchAlgorithmException {
    assertEquals(Decision.OK, DevKeyGuard.decide(true, Optional.of(freshPublicKeyPem())));
  }

  @Test
  void productionWithAnUnreadableKeyStarts() {
    // An unreadable key is not the dev key; MP JWT then rejects every token on its own.
    assertEquals(Decision.OK, DevKeyGuard.decide(true, Optional.of("")));
  }

  @Test
  void developmentWithTheDevKeyWarns() throws IOException {
    assertEquals(Decision.WARN, DevKeyGuard.decide(false, Optional.of(read(DEV_KEY))));
    assertEquals(Decision.WARN, DevKeyGuard.decide(false, Optional.empty()));
  }

  @Test
  void developmentWithItsOwnKeyIsQuiet() throws NoSuchAlgorithmException {
    assertEquals(Decision.OK, DevKeyGuard.decide(false, Optional.of(freshPublicKeyPem())));
  }
}
