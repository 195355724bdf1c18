package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Fuzzing the frame parser: whatever arrives, it returns a request or a coded refusal, nothing else. */
class FrameParserFuzzTest {
  private static final List<String> VALID = List.of(
      "{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"hello\",\"key\":\"k1\",\"ref\":\"r1\"}",
      "{\"type\":\"join\",\"room\":\"a.b-c\",\"since\":\"1700000000000-0\"}",
      "{\"type\":\"history\",\"room\":\"r\",\"before\":\"5-1\",\"limit\":20}",
      "{\"type\":\"create\",\"room\":\"x\"}",
      "{\"type\":\"typing\",\"room\":\"x\"}",
      "{\"type\":\"ping\",\"ref\":\"p\"}");
  private final FrameParser parser = new FrameParser(4000);

  @Property(tries = 3000)
  @Label("arbitrary text never escapes as an exception other than a coded refusal")
  void arbitraryText(@ForAll String text) {
    assertParsesOrRefuses(text);
  }

  @Property(tries = 5000)
  @Label("mutated valid frames parse or are refused with a code, never anything else")
  void mutatedFrames(@ForAll("mutated") String text) {
    assertParsesOrRefuses(text);
  }

  @Property(tries = 1000)
  @Label("JSON objects with random members are refused with a code or parsed, never crash")
  void randomObjects(@ForAll("objects") String text) {
    assertParsesOrRefuses(text);
  }

  private void assertParsesOrRefuses(String text) {
    try {
      ClientFrame frame = parser.parse(text);
      assertThat(frame).isNotNull();
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotEqualTo(ErrorCode.INTERNAL);
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> base = Arbitraries.of(VALID);
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 80);
    Arbitrary<Character> junk = Arbitraries.oneOf(Arbitraries.chars().with('"', '{', '}', '[', ']', ':', ',', '\\', '0'),
        Arbitraries.chars());
    Arbitrary<Integer> operation = Arbitraries.integers().between(0, 2);
    return Combinators.combine(base, position, junk, operation).as((s, at, c, op) -> {
      int i = Math.min(at, s.length());
      return switch (op) {
        case 0 -> s.substring(0, i) + c + s.substring(i);
        case 1 -> i < s.length() ? s.substring(0, i) + s.substring(i + 1) : s;
        default -> i < s.length() ? s.substring(0, i) + c + s.substring(i + 1) : s + c;
      };
    });
  }

  @Provide
  Arbitrary<String> objects() {
    Arbitrary<String> types = Arbitraries.of("send", "join", "leave", "create", "rooms", "history", "members",
        "typing", "ping", "nope", "");
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(80).map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
        Arbitraries.integers().map(String::valueOf), Arbitraries.of("null", "true", "[]", "{}", "1.5e300", "-0"));
    Arbitrary<String> fields = Arbitraries.of("room", "text", "key", "ref", "since", "before", "limit", "x");
    Arbitrary<String> member = Combinators.combine(fields, values).as((f, v) -> "\"" + f + "\":" + v);
    return Combinators.combine(types, member.list().ofMaxSize(6))
        .as((t, ms) -> "{\"type\":\"" + t + "\"" + (ms.isEmpty() ? "" : "," + String.join(",", ms)) + "}");
  }
}
