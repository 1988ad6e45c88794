package dev.paymentrouter.tokens;

import dev.paymentrouter.platform.LocalMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The token key ring. A deployment must configure its keys; without them the router refuses to start, because a
 * made-up key would leave every open intent unreadable after the next restart or on the next replica. Local mode
 * alone makes one up, once, and keeps it in a file beside its database.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokenEncryptionProperties.class)
class TokenEncryptionConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TokenEncryptionConfiguration.class);

  /** The key id of local mode's own key. */
  static final String LOCAL_KEY_ID = "local";

  @Bean
  TokenCipher tokenCipher(TokenEncryptionProperties properties, Environment environment) {
    if (!properties.isEmpty()) {
      TokenCipher cipher = properties.toCipher();
      log.info("Payment tokens are encrypted at rest with key {} (keys that can decrypt: {})",
          cipher.activeKeyId(), cipher.keyIds());
      return cipher;
    }
    if (!LocalMode.isOn(environment)) {
      throw TokenEncryptionException.notConfigured();
    }
    return localCipher(properties.localKeyFile());
  }

  /** Local mode's key: read from its file, or generated and written there on the first start. */
  static TokenCipher localCipher(Path file) {
    boolean generated = false;
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[TokenCipher.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        write(file, Base64.getEncoder().encodeToString(key));
        generated = true;
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      TokenCipher cipher;
      try {
        cipher = new TokenEncryptionProperties(Map.of(LOCAL_KEY_ID, text), LOCAL_KEY_ID, file).toCipher();
      } catch (TokenEncryptionException damaged) {
        throw new TokenEncryptionException("local mode: the key file " + file.toAbsolutePath() + " does not hold "
            + "the base64 of " + TokenCipher.KEY_BYTES + " bytes; delete it to get a new key (open local intents "
            + "then end not sent)");
      }
      log.warn("Local mode: no token-encryption key is configured, so payment tokens are encrypted with the local "
          + "key '{}' {} {}; it is kept there so that open intents stay readable after a restart. A deployment "
          + "sets payment-router.token-encryption.keys and active-key instead.", LOCAL_KEY_ID,
          generated ? "generated now in" : "read from", file.toAbsolutePath());
      return cipher;
    } catch (IOException e) {
      throw new UncheckedIOException("local mode: cannot keep the token-encryption key in " + file, e);
    }
  }

  private static void write(Path file, String key) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException raced) {
      return;
    }
    Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
