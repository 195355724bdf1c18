package io.roomcast.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a request as the Standard Webhooks specification says: {@code webhook-signature} is {@code v1,} followed by
 * the base64 of HMAC-SHA256 over {@code id.timestamp.body}, keyed with the secret's bytes (the base64 after
 * {@code whsec_}). Hook calls and webhooks are signed alike, so the backend verifies both with one library. Each
 * thread keeps its own {@link Mac}: nothing is allocated per signature beyond its bytes.
 */
public final class Signer {
  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private final ThreadLocal<Mac> macs;

  public Signer(byte[] key) {
    byte[] copy = key.clone();
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(copy.length == 0 ? new byte[1] : copy, "HmacSHA256"));
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    });
  }

  /** The {@code webhook-signature} value for a request with this id, timestamp (epoch seconds) and body. */
  public String sign(String id, long timestampSeconds, byte[] body) {
    Mac mac = macs.get();
    mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }

  /** A new unique id: {@code prefix_} and 24 random letters and digits (about 143 bits). */
  public static String newId(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() + 25).append(prefix).append('_');
    for (int i = 0; i < 24; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }
}
