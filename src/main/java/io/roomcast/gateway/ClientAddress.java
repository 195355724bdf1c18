package io.roomcast.gateway;

import io.roomcast.config.AddressRange;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client behind a request: the socket's peer, unless the peer is a trusted reverse proxy
 * ({@code trustedProxies}); then the nearest address in {@code X-Forwarded-For} (or, without it, {@code Forwarded})
 * that is not itself a trusted proxy. Headers from anyone else are ignored: a client cannot choose its own address.
 */
final class ClientAddress {
  private ClientAddress() {}

  static String of(HttpServerRequest req, List<AddressRange> trusted) {
    String peer = req.remoteAddress() == null || req.remoteAddress().host() == null
        ? "unknown" : req.remoteAddress().host();
    return resolve(peer, req.headers().getAll("X-Forwarded-For"), req.headers().getAll("Forwarded"), trusted);
  }

  /** The client address for a request from {@code peer} with these header values. */
  static String resolve(String peer, List<String> forwardedFor, List<String> forwarded, List<AddressRange> trusted) {
    if (trusted.isEmpty() || !isTrusted(peer, trusted)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String part : header.split(",")) {
        hops.add(part.trim());
      }
    }
    if (hops.isEmpty()) {
      for (String header : forwarded) {
        for (String element : header.split(",")) {
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
