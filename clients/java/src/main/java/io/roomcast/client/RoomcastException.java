package io.roomcast.client;

/**
 * A request the server refused (its {@code error} code: {@code not_joined}, {@code rate_limited}, {@code forbidden},
 * ...), or a condition of the client: {@code timeout} (no reply within the request timeout), {@code offline} (not
 * connected), {@code closed} (the connection closed before the reply, or the client was closed), {@code too_large},
 * {@code invalid_data}, {@code protocol_error} (the server closed with 1009, 1007, 1002), {@code unauthorized},
 * {@code forbidden_upgrade}, {@code bad_upgrade} (the upgrade was refused with 401, 403, 400).
 */
public class RoomcastException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public RoomcastException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** The protocol's error code, or one of the client's own listed above. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return "RoomcastException[" + code + "]: " + getMessage();
  }
}
