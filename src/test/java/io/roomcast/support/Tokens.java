package io.roomcast.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Issues test JWTs the way an identity provider would: HS256 with a secret, or RS256/ES256 with a private key. */
public final class Tokens {
  private final JWTAuth issuer;
  private final String algorithm;
  private final String publicPem;

  private Tokens(JWTAuth issuer, String algorithm, String publicPem) {
    this.issuer = issuer;
    this.algorithm = algorithm;
    this.publicPem = publicPem;
  }

  public static Tokens hs256(Vertx vertx, String secret) {
    return new Tokens(JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))), "HS256", null);
  }

  /** A fresh key pair: RS256 (RSA 2048) or ES256 (P-256). */
  public static Tokens withNewKey(Vertx vertx, String algorithm) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm.startsWith("RS") ? "RSA" : "EC");
      if (algorithm.startsWith("RS")) {
        gen.initialize(2048);
      } else {
        gen.initialize(new ECGenParameterSpec("secp256r1"));
      }
      KeyPair pair = gen.generateKeyPair();
      String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
      JWTAuth issuer = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(privatePem)));
      return new Tokens(issuer, algorithm, publicPem);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The PEM public key to configure the server with (RS256/ES256). */
  public String publicPem() {
    return publicPem;
  }

  /** A token for {@code sub} expiring in {@code seconds} (negative: already expired), with extra claims. */
  public String issue(String sub, int seconds, JsonObject claims) {
    JsonObject c = claims.copy().put("sub", sub);
    long now = System.currentTimeMillis() / 1000;
    c.put("iat", now).put("exp", now + seconds);
    return issuer.generateToken(c, new JWTOptions().setAlgorithm(algorithm));
  }

  public String issue(String sub) {
    return issue(sub, 3600, new JsonObject());
  }

  /**
   * An HS256 token with exactly this header and these claims, signed by hand: for tokens an identity provider would
   * not issue (no exp, claims of the wrong type, critical header extensions).
   */
  public static String signHs256(String secret, JsonObject header, JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
