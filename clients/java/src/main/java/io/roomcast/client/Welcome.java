package io.roomcast.client;

/** The server's first frame on a connection: who the client is, and on which node. */
public final class Welcome {
  private final String user;
  private final String session;
  private final String node;

  public Welcome(String user, String session, String node) {
    this.user = user;
    this.session = session;
    this.node = node;
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

  @Override
  public String toString() {
    return "Welcome[" + user + " on " + node + "]";
  }
}
