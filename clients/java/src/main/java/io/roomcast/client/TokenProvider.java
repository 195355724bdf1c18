package io.roomcast.client;

/**
 * Supplies a fresh token when the server closed the connection with 4001 (expired) or refused an upgrade with 401.
 * Called on a background thread of the client's own, never on the callback executor: it may block (a call to your
 * auth server).
 */
@FunctionalInterface
public interface TokenProvider {
  String freshToken() throws Exception;
}
