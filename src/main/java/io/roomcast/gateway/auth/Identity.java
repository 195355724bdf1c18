package io.roomcast.gateway.auth;

import java.util.List;

/**
 * Who a connection (or an HTTP API caller) is. {@code expiresAtMs} is the token's expiry, 0 when none;
 * {@code rooms} the token's room patterns (a trailing {@code *} matches any suffix), null when unrestricted;
 * {@code claims} the verified token's claims (what the {@code connect} hook is told), null in anonymous mode.
 */
public record Identity(String user, long expiresAtMs, List<String> rooms, boolean admin,
    io.vertx.core.json.JsonObject claims) {

  public static Identity anonymous(String user) {
    return new Identity(user, 0, null, false, null);
  }

  /** Whether the identity may see or use {@code room} (create, join, send, read its history and members). */
  public boolean mayUse(String room) {
    if (rooms == null) {
      return true;
    }
    for (String pattern : rooms) {
      if (pattern.endsWith("*") ? room.startsWith(pattern.substring(0, pattern.length() - 1)) : room.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /** The rooms of {@code all} this identity may see, in their order. */
  public List<String> visible(List<String> all) {
    return rooms == null ? all : all.stream().filter(this::mayUse).toList();
  }
}
