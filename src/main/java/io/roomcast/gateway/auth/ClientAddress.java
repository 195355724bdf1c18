package io.roomcast.gateway.auth;

import io.roomcast.config.AddressRange;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client behind a request: the socket's peer, unless the peer is a trusted reverse proxy
 * ({@code trustedProxies}); then the nearest address that is not itself a trusted proxy in the one header those
 * proxies set ({@code forwardedHeader}: {@code X-Forwarded-For} or {@code Forwarded}). The other header is never read,
 * even from a trusted proxy: a proxy passes on what the client sent in a header it does not set itself, so reading it
 * would let a client choose its own address. Headers from anyone else are ignored too.
 */
public final class ClientAddress {
  private ClientAddress() {}

  /** {@code rfc7239}: the trusted proxies set {@code Forwarded}; else {@code X-Forwarded-For}. */
  public static String of(HttpServerRequest req, List<AddressRange> trusted, boolean rfc7239) {
    String peer = req.remoteAddress() == null || req.remoteAddress().host() == null
        ? "unknown" : req.remoteAddress().host();
    return resolve(peer, req.headers().getAll(rfc7239 ? "Forwarded" : "X-Forwarded-For"), rfc7239, trusted);
  }

  /** The client address for a request from {@code peer} whose forwarding header (of that kind) has these values. */
  static String resolve(String peer, List<String> header, boolean rfc7239, List<AddressRange> trusted) {
    if (trusted.isEmpty() || !isTrusted(peer, trusted)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    if (!rfc7239) {
      for (String value : header) {
        for (String part : value.split(",")) {
          hops.add(part.trim());
        }
      }
    } else {
      for (String value : header) {
        for (String element : value.split(",")) {
          for (String pair : element.split(";")) {
            String p = pair.trim();
            if (p.regionMatches(true, 0, "for=", 0, 4)) {
              hops.add(forwardedNode(p.substring(4)));
            }
          }
        }
      }
    }
    // the last hop was added by the trusted peer itself; walk towards the client past every trusted proxy
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (AddressRange.literal(hop) == null) {
        break;   // not an address (obfuscated, "unknown", garbage): nothing further left can be believed
      }
      if (!isTrusted(hop, trusted)) {
        return hop;
      }
    }
    return peer;
  }

  /** The address of a {@code Forwarded} node: quotes, brackets and a port removed (RFC 7239). */
  private static String forwardedNode(String node) {
    String n = node.trim();
    if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
      n = n.substring(1, n.length() - 1);
    }
    if (n.startsWith("[")) {
      int close = n.indexOf(']');
      return close > 0 ? n.substring(1, close) : n;
    }
    int colon = n.indexOf(':');
    return colon > 0 && n.indexOf(':', colon + 1) < 0 ? n.substring(0, colon) : n;
  }

  private static boolean isTrusted(String address, List<AddressRange> trusted) {
    for (AddressRange r : trusted) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
