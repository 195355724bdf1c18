package io.roomcast.client;

import java.util.Collections;
import java.util.List;

/** The server's first frame on a connection: who the client is, on which node, and the extensions the server speaks. */
public final class Welcome {
  private final String user;
  private final String session;
  private final String node;
  private final List<String> features;

  public Welcome(String user, String session, String node, List<String> features) {
    this.user = user;
    this.session = session;
    this.node = node;
    this.features = Collections.unmodifiableList(features);
  }

  /** The user name the server gave this connection (the token's subject in JWT mode). */
  public String user() {
    return user;
  }

  public String session() {
    return session;
  }

  public String node() {
    return node;
  }

  /** The additive extensions of protocol version 1 the server speaks ({@code welcome.features}), e.g. position. */
  public List<String> features() {
    return features;
  }

  @Override
  public String toString() {
    return "Welcome[" + user + " on " + node + (features.isEmpty() ? "" : " " + features) + "]";
  }
}
