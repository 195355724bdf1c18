package io.roomcast.gateway.auth;

import io.roomcast.config.AuthSettings;
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
public final class Authenticator {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** A refused identity: the HTTP status to answer and a sentence for the body. */
  public static final class Refused extends Exception {
    public final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final JWTAuth jwt;
  private final List<byte[]> apiKeys;
  private final boolean requireExp;

  private Authenticator(JWTAuth jwt, List<byte[]> apiKeys, boolean requireExp) {
    this.jwt = jwt;
    this.apiKeys = apiKeys;
    this.requireExp = requireExp;
  }

  public static Authenticator create(Vertx vertx, AuthSettings config) {
    List<byte[]> keys = new ArrayList<>();
    config.apiKeys().forEach(k -> keys.add(k.getBytes(StandardCharsets.UTF_8)));
    if (!config.jwtMode()) {
      return new Authenticator(null, keys, config.jwtRequireExp());
    }
    JWTAuthOptions options = new JWTAuthOptions();
    if (!config.jwtSecret().isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
    }
    if (!config.jwtPublicKey().isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithmOf(config.jwtPublicKey()))
          .setBuffer(config.jwtPublicKey()));
    }
    return new Authenticator(JWTAuth.create(vertx, options), keys, config.jwtRequireExp());
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

  public boolean jwtMode() {
    return jwt != null;
  }

  /** The identity of a WebSocket upgrade request. */
  public Future<Identity> identify(HttpServerRequest req) {
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

  /**
   * Verifies a JWT: its shape first (claims of the right types, no critical header this server does not understand,
   * an {@code exp} unless {@code jwtRequireExp} is off), then signature and expiry with Vert.x's JWT library, then a
   * usable {@code sub}. Any refusal is a 401; nothing a token holds can make this throw.
   */
  public Future<Identity> verify(String token) {
    String malformed = precheck(token, requireExp);
    if (malformed != null) {
      return Future.failedFuture(new Refused(401, malformed));
    }
    Future<io.vertx.ext.auth.User> verified;
    try {
      verified = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    return verified
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
              rooms.add((String) o);   // precheck: strings only
            }
          }
          return Future.succeededFuture(new Identity(sub, expiresAt, rooms, Boolean.TRUE.equals(claims.getValue("admin")),
              claims.copy()));
        });
  }

  /**
   * What is wrong with a token's header or claims before its signature is even checked, or null. A claim of the
   * wrong type is refused rather than ignored: a {@code rooms} claim that is not a list of strings must not lift
   * the restriction it was meant to impose, and a critical header extension ({@code crit}, RFC 7515) this server
   * does not implement must not be skipped.
   */
  static String precheck(String token, boolean requireExp) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return "a token has three parts";
    }
    JsonObject header;
    JsonObject claims;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return "the token's header or claims are not base64url JSON objects";
    }
    if (header.containsKey("crit")) {
      return "the token names critical header extensions this server does not implement";
    }
    for (String time : new String[] {"exp", "nbf", "iat"}) {
      if (claims.containsKey(time) && !(claims.getValue(time) instanceof Number)) {
        return "the token's " + time + " is not a number";
      }
    }
    if (requireExp && !claims.containsKey("exp")) {
      return "the token has no exp: tokens must expire";
    }
    if (claims.containsKey("rooms")) {
      if (!(claims.getValue("rooms") instanceof JsonArray rooms) || !rooms.stream().allMatch(String.class::isInstance)) {
        return "the token's rooms claim is not a list of room patterns";
      }
    }
    if (claims.containsKey("admin") && !(claims.getValue("admin") instanceof Boolean)) {
      return "the token's admin claim is not true or false";
    }
    return null;
  }

  /** Whether {@code key} is a configured API key, compared in constant time. */
  public boolean isApiKey(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] k : apiKeys) {
      match |= MessageDigest.isEqual(k, given);
    }
    return match;
  }

  public static String bearer(HttpServerRequest req) {
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
