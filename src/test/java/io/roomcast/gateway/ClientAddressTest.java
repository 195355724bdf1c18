package io.roomcast.gateway;

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

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no proxies configured: the peer, whatever it claims", List.of(), "10.1.2.3",
            List.of("203.0.113.9"), List.of(), "10.1.2.3"),
        Arguments.of("an untrusted peer's header is ignored", PROXIES, "198.51.100.4",
            List.of("203.0.113.9"), List.of(), "198.51.100.4"),
        Arguments.of("a trusted peer: the address it saw", PROXIES, "10.1.2.3",
            List.of("203.0.113.9"), List.of(), "203.0.113.9"),
        Arguments.of("spoofed entries left of the real client do not count", PROXIES, "10.1.2.3",
            List.of("1.1.1.1, 203.0.113.9"), List.of(), "203.0.113.9"),
        Arguments.of("a chain of trusted proxies is walked past", PROXIES, "10.1.2.3",
            List.of("1.1.1.1, 203.0.113.9, 192.168.1.7, 10.9.9.9"), List.of(), "203.0.113.9"),
        Arguments.of("several header lines are one list", PROXIES, "10.1.2.3",
            List.of("1.1.1.1", "203.0.113.9"), List.of(), "203.0.113.9"),
        Arguments.of("garbage stops the walk: the peer", PROXIES, "10.1.2.3",
            List.of("not-an-address"), List.of(), "10.1.2.3"),
        Arguments.of("host names are never looked up", PROXIES, "10.1.2.3",
            List.of("localhost"), List.of(), "10.1.2.3"),
        Arguments.of("IPv6 through an IPv6 proxy", PROXIES, "fd00::1",
            List.of("2001:db8::5"), List.of(), "2001:db8::5"),
        Arguments.of("Forwarded when there is no X-Forwarded-For", PROXIES, "10.1.2.3",
            List.of(), List.of("for=198.51.100.1;proto=https, for=\"[2001:db8::7]:4711\""), "2001:db8::7"),
        Arguments.of("Forwarded with a port", PROXIES, "10.1.2.3",
            List.of(), List.of("for=\"198.51.100.17:5000\""), "198.51.100.17"),
        Arguments.of("a trusted peer without headers: the peer", PROXIES, "10.1.2.3",
            List.of(), List.of(), "10.1.2.3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolves(String name, List<AddressRange> trusted, String peer, List<String> xff, List<String> forwarded,
      String expected) {
    assertThat(ClientAddress.resolve(peer, xff, forwarded, trusted)).isEqualTo(expected);
  }
}
