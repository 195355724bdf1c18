package io.roomcast.gateway;

import io.roomcast.config.ChatConfig;
import io.roomcast.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Establishes who connects. Anonymous mode (the default): {@code ?user=NAME} or a generated guest name. JWT mode
 * (a secret or a public key is configured): a token in {@code ?token=} or {@code Authorization: Bearer}, verified by
 * Vert.x's JWT library (HS256 with the secret, RS256 or ES256 with the PEM public key, {@code exp} enforced); the
 * user is {@code sub}. Tokens are never logged.
 */
final class Authenticator {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** A refused identity: the HTTP status to answer and a sentence for the body. */
  static final class Refused extends Exception {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final JWTAuth jwt;
  private final List<byte[]> apiKeys;

  private Authenticator(JWTAuth jwt, List<byte[]> apiKeys) {
    this.jwt = jwt;
    this.apiKeys = apiKeys;
  }

  static Authenticator create(Vertx vertx, ChatConfig config) {
    List<byte[]> keys = new ArrayList<>();
    config.apiKeys().forEach(k -> keys.add(k.getBytes(StandardCharsets.UTF_8)));
    if (!config.jwtMode()) {
      return new Authenticator(null, keys);
    }
    JWTAuthOptions options = new JWTAuthOptions();
    if (!config.jwtSecret().isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
    }
    if (!config.jwtPublicKey().isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithmOf(config.jwtPublicKey()))
          .setBuffer(config.jwtPublicKey()));
    }
    return new Authenticator(JWTAuth.create(vertx, options), keys);
  }

  /** RS256 for an RSA key, ES256 for an EC key. */
  static String algorithmOf(String pem) {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    try {
      KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return "RS256";
    } catch (Exception notRsa) {
      try {
        KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        return "ES256";
      } catch (Exception notEc) {
        throw new IllegalArgumentException("the JWT public key is neither an RSA nor an EC key");
      }
    }
  }

  boolean jwtMode() {
    return jwt != null;
  }

  /** The identity of a WebSocket upgrade request. */
  Future<Identity> identify(HttpServerRequest req) {
    if (jwt == null) {
      String user = req.getParam("user");
      if (user == null) {
        return Future.succeededFuture(Identity.anonymous("guest-" + random(6)));
      }
      if (!Names.isValidUser(user)) {
        return Future.failedFuture(new Refused(400, "user must be 1 to 32 letters, digits, '_', '.' or '-'"));
      }
      return Future.succeededFuture(Identity.anonymous(user));
    }
    String token = req.getParam("token");
    if (token == null) {
      token = bearer(req);
    }
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new Refused(401, "a token is required (?token= or Authorization: Bearer)"));
    }
    return verify(token);
  }

  /** Verifies a JWT: signature, expiry, and a usable {@code sub}. */
  Future<Identity> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new Refused(401, "invalid or expired token")))
        .compose(user -> {
          // Vert.x keeps the verified token's claims in the attributes; the principal holds only a few
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          String sub = claims.getValue("sub") instanceof String s ? s : null;
          if (!Names.isValidSubject(sub)) {
            return Future.failedFuture(new Refused(401, "the token's sub is not a usable user name"));
          }
          Object exp = claims.getValue("exp");
          long expiresAt = exp instanceof Number n ? n.longValue() * 1000L : 0;
          List<String> rooms = null;
          if (claims.getValue("rooms") instanceof JsonArray list) {
            rooms = new ArrayList<>();
            for (Object o : list) {
              if (o instanceof String pattern) {
                rooms.add(pattern);
              }
            }
          }
          return Future.succeededFuture(new Identity(sub, expiresAt, rooms, Boolean.TRUE.equals(claims.getValue("admin"))));
        });
  }

  /** Whether {@code key} is a configured API key, compared in constant time. */
  boolean isApiKey(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] k : apiKeys) {
      match |= MessageDigest.isEqual(k, given);
    }
    return match;
  }

  static String bearer(HttpServerRequest req) {
    String header = req.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }

  static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
