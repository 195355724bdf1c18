package io.roomcast.protocol;

import java.util.regex.Pattern;

/** The name rules fixed by protocol v1. */
public final class Names {
  private static final Pattern ROOM = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");
  private static final Pattern USER = Pattern.compile("^[A-Za-z0-9_.-]{1,32}$");
  private static final Pattern SUBJECT = Pattern.compile("^[A-Za-z0-9_.@+:-]{1,128}$");

  private Names() {}

  public static boolean isValidRoom(String room) {
    return room != null && ROOM.matcher(room).matches();
  }

  public static boolean isValidUser(String user) {
    return user != null && USER.matcher(user).matches();
  }

  /**
   * A user name from a token's {@code sub} or the HTTP API: wider than an anonymous name (e-mail-like ids fit), but
   * never a space, a newline or a quote.
   */
  public static boolean isValidSubject(String user) {
    return user != null && SUBJECT.matcher(user).matches();
  }
}
