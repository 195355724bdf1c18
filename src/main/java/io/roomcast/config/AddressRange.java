package io.roomcast.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}), given as a literal: never
 * a host name, so nothing here looks up DNS.
 */
public final class AddressRange {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final byte[] network;
  private final int prefixBits;

  private AddressRange(byte[] network, int prefixBits) {
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /** Parses a range; throws IllegalArgumentException for anything that is not an IP literal with an optional prefix. */
  public static AddressRange parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      String prefix = t.substring(slash + 1);
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
        throw new IllegalArgumentException("not a prefix length: " + text);
      }
      bits = Integer.parseInt(prefix);
    }
    return new AddressRange(bytes, bits);
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The bytes of an IPv4 or IPv6 literal, or null when {@code address} is not one. */
  public static byte[] literal(String address) {
    if (!V4.matcher(address).matches() && !V6.matcher(address).matches()) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      return bytes.length == 16 && isMappedV4(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** Whether {@code address} (an IP literal, as a socket reports it) lies in this range. */
  public boolean contains(String address) {
    byte[] a = address == null ? null : literal(address);
    if (a == null || a.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }
}
