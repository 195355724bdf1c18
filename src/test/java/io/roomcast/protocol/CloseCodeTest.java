package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link CloseCode} is the one table of what a client does after each close: docs/protocol.md's close-code table says
 * it word for word, and both clients (the JVM client and roomcast.js) reconnect by it.
 */
class CloseCodeTest {
  private static final Path JAVA_CLIENT = Path.of("clients/java/src/main/java/io/roomcast/client/RoomcastClient.java");
  /** Where the JVM client keeps its reconnect rules. */
  private static final Path JAVA_RECONNECTS = Path.of("clients/java/src/main/java/io/roomcast/client/Reconnects.java");
  private static final Path JS_CLIENT = Path.of("src/main/resources/webroot/roomcast.js");

  private static Set<Integer> codes(CloseCode.Reconnect policy) {
    return Arrays.stream(CloseCode.values()).filter(c -> c.reconnect() == policy).map(c -> (int) c.code())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Map<Integer, String> stops() {
    Map<Integer, String> stops = new TreeMap<>();
    for (CloseCode c : CloseCode.values()) {
      if (c.reconnect() == CloseCode.Reconnect.NEVER) {
        stops.put((int) c.code(), c.stopError());
      }
    }
    return stops;
  }

  private static Set<Integer> numbers(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("source has " + regex).isTrue();
    return m.group(1);
  }

  @Test
  @DisplayName("docs/protocol.md's close-code table has one row per code, telling the client what CloseCode says")
  void documented() throws IOException {
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String table = doc.substring(doc.indexOf("## Close codes"));
    table = table.substring(0, table.indexOf("\n\n", table.indexOf("|---")));
    Map<Integer, String> rows = new LinkedHashMap<>();
    for (String line : table.lines().toList()) {
      Matcher m = Pattern.compile("^\\| (\\d{4}) \\|.*\\| ([^|]+) \\|$").matcher(line);
      if (m.matches()) {
        rows.put(Integer.parseInt(m.group(1)), m.group(2).trim());
      }
    }
    Map<Integer, String> expected = new LinkedHashMap<>();
    for (CloseCode c : CloseCode.values()) {
      expected.put((int) c.code(), c.advice());
    }
    assertThat(rows).containsExactlyEntriesOf(expected);
  }

  @Test
  @DisplayName("the JVM client reconnects at once, stops, renews its token and pauses on the codes CloseCode says")
  void javaClientFollowsThePolicy() throws IOException {
    String src = Files.readString(JAVA_CLIENT) + Files.readString(JAVA_RECONNECTS);
    assertThat(numbers(group(src, "Set<Integer> AT_ONCE = new HashSet<>\\(java.util.Arrays.asList\\(([\\d, ]+)\\)\\)")))
        .isEqualTo(codes(CloseCode.Reconnect.AT_ONCE));
    Map<Integer, String> stop = new TreeMap<>();
    Matcher m = Pattern.compile("STOP\\.put\\((\\d+), \"(\\w+)\"\\)").matcher(src);
    while (m.find()) {
      stop.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    assertThat(stop).isEqualTo(stops());
    for (int code : codes(CloseCode.Reconnect.WITH_FRESH_TOKEN)) {
      assertThat(src).contains("code == " + code + " && options.tokenProvider != null");
    }
    for (int code : codes(CloseCode.Reconnect.AFTER_A_PAUSE)) {
      assertThat(src).contains("} else if (code == " + code + ") {");
    }
  }

  @Test
  @DisplayName("roomcast.js reconnects at once, stops, renews its token and pauses on the codes CloseCode says")
  void jsClientFollowsThePolicy() throws IOException {
    String src = Files.readString(JS_CLIENT);
    assertThat(numbers(group(src, "const RECONNECT_AT_ONCE = new Set\\(\\[([\\d, ]+)\\]\\)")))
        .isEqualTo(codes(CloseCode.Reconnect.AT_ONCE));
    Map<Integer, String> stop = new TreeMap<>();
    Matcher m = Pattern.compile("\\[(\\d+), '(\\w+)'\\]").matcher(group(src, "const STOP = new Map\\(\\[(.*?)\\]\\);"));
    while (m.find()) {
      stop.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    assertThat(stop).isEqualTo(stops());
    for (int code : codes(CloseCode.Reconnect.WITH_FRESH_TOKEN)) {
      assertThat(src).contains("code === " + code + " && this.options.tokenProvider");
    }
    for (int code : codes(CloseCode.Reconnect.AFTER_A_PAUSE)) {
      assertThat(src).contains("} else if (code === " + code + ") {");
    }
  }
}
