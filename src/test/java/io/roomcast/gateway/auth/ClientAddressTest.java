package io.roomcast.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.AddressRange;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientAddressTest {
  private static final List<AddressRange> PROXIES = List.of(AddressRange.parse("10.0.0.0/8"),
      AddressRange.parse("fd00::/8"), AddressRange.parse("192.168.1.7"));
  private static final boolean XFF = false;
  private static final boolean RFC7239 = true;

  /** Rows: what is configured, the peer, the X-Forwarded-For and Forwarded values it sent, which one is read. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no proxies configured: the peer, whatever it claims", List.of(), "10.1.2.3",
            List.of("203.0.113.9"), List.of(), XFF, "10.1.2.3"),
        Arguments.of("an untrusted peer's header is ignored", PROXIES, "198.51.100.4",
            List.of("203.0.113.9"), List.of(), XFF, "198.51.100.4"),
        Arguments.of("a trusted peer: the address it saw", PROXIES, "10.1.2.3",
            List.of("203.0.113.9"), List.of(), XFF, "203.0.113.9"),
        Arguments.of("spoofed entries left of the real client do not count", PROXIES, "10.1.2.3",
            List.of("1.1.1.1, 203.0.113.9"), List.of(), XFF, "203.0.113.9"),
        Arguments.of("a chain of trusted proxies is walked past", PROXIES, "10.1.2.3",
            List.of("1.1.1.1, 203.0.113.9, 192.168.1.7, 10.9.9.9"), List.of(), XFF, "203.0.113.9"),
        Arguments.of("several header lines are one list", PROXIES, "10.1.2.3",
            List.of("1.1.1.1", "203.0.113.9"), List.of(), XFF, "203.0.113.9"),
        Arguments.of("garbage stops the walk: the peer", PROXIES, "10.1.2.3",
            List.of("not-an-address"), List.of(), XFF, "10.1.2.3"),
        Arguments.of("host names are never looked up", PROXIES, "10.1.2.3",
            List.of("localhost"), List.of(), XFF, "10.1.2.3"),
        Arguments.of("IPv6 through an IPv6 proxy", PROXIES, "fd00::1",
            List.of("2001:db8::5"), List.of(), XFF, "2001:db8::5"),
        Arguments.of("Forwarded, when the proxies set it", PROXIES, "10.1.2.3",
            List.of(), List.of("for=198.51.100.1;proto=https, for=\"[2001:db8::7]:4711\""), RFC7239, "2001:db8::7"),
        Arguments.of("Forwarded with a port", PROXIES, "10.1.2.3",
            List.of(), List.of("for=\"198.51.100.17:5000\""), RFC7239, "198.51.100.17"),
        Arguments.of("a trusted peer without the header: the peer", PROXIES, "10.1.2.3",
            List.of(), List.of(), XFF, "10.1.2.3"),
        // the proxy sets one header; a client adds the other with an address of its choice, and the proxy passes it on
        Arguments.of("proxies set Forwarded: a client's own X-Forwarded-For is not read", PROXIES, "10.1.2.3",
            List.of("198.51.100.66"), List.of("for=203.0.113.9"), RFC7239, "203.0.113.9"),
        Arguments.of("proxies set Forwarded and none came: the peer, not the client's X-Forwarded-For", PROXIES,
            "10.1.2.3", List.of("198.51.100.66"), List.of(), RFC7239, "10.1.2.3"),
        Arguments.of("proxies set X-Forwarded-For: a client's own Forwarded is not read", PROXIES, "10.1.2.3",
            List.of("203.0.113.9"), List.of("for=198.51.100.66"), XFF, "203.0.113.9"),
        Arguments.of("proxies set X-Forwarded-For and none came: the peer, not the client's Forwarded", PROXIES,
            "10.1.2.3", List.of(), List.of("for=198.51.100.66"), XFF, "10.1.2.3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolves(String name, List<AddressRange> trusted, String peer, List<String> xff, List<String> forwarded,
      boolean rfc7239, String expected) {
    assertThat(ClientAddress.resolve(peer, rfc7239 ? forwarded : xff, rfc7239, trusted)).isEqualTo(expected);
  }
}
