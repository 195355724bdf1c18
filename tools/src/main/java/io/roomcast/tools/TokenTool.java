package io.roomcast.tools;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Mints an HS256 token for local runs and tests of JWT mode:
 * {@code java -jar tools/target/roomcast-tools.jar token SECRET USER [SECONDS] [ROOM-PATTERN...]}.
 * Production tokens come from the identity provider.
 */
public final class TokenTool {
  private TokenTool() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: token SECRET USER [SECONDS] [ROOM-PATTERN...]");
      System.exit(2);
    }
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 3600;
    JsonArray rooms = null;
    if (args.length > 3) {
      rooms = new JsonArray();
      for (int i = 3; i < args.length; i++) {
        rooms.add(args[i]);
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(mint(vertx, args[0], args[1], seconds, rooms));
    } finally {
      vertx.close();
    }
  }

  /** An HS256 token for {@code user}, valid for {@code seconds}, limited to {@code rooms} when not null. */
  public static String mint(Vertx vertx, String secret, String user, int seconds, JsonArray rooms) {
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    JsonObject claims = new JsonObject().put("sub", user);
    if (rooms != null) {
      claims.put("rooms", rooms);
    }
    return auth.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(seconds));
  }
}
