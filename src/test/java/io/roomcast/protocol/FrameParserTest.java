package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrameParserTest {
  private final FrameParser parser = new FrameParser(10);

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("create", "{\"type\":\"create\",\"room\":\"lobby\",\"ref\":\"a\"}",
            new ClientFrame.Create("a", "lobby")),
        Arguments.of("rooms", "{\"type\":\"rooms\"}", new ClientFrame.Rooms(null)),
        Arguments.of("join", "{\"type\":\"join\",\"room\":\"r-1.x_y\"}", new ClientFrame.Join(null, "r-1.x_y", null)),
        Arguments.of("join with since", "{\"type\":\"join\",\"room\":\"r\",\"since\":\"5-0\"}",
            new ClientFrame.Join(null, "r", "5-0")),
        Arguments.of("leave", "{\"type\":\"leave\",\"room\":\"r\"}", new ClientFrame.Leave(null, "r")),
        Arguments.of("send with key", "{\"type\":\"send\",\"room\":\"r\",\"text\":\"hi\",\"key\":\"k\"}",
            new ClientFrame.Send(null, "r", "hi", "k")),
        Arguments.of("send of exactly the limit in code points (emoji count once)",
            "{\"type\":\"send\",\"room\":\"r\",\"text\":\"\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"
                + "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\"}",
            new ClientFrame.Send(null, "r", "\uD83D\uDE00".repeat(10), null)),
        Arguments.of("history defaults", "{\"type\":\"history\",\"room\":\"r\"}",
            new ClientFrame.History(null, "r", null, 50)),
        Arguments.of("history with before and limit", "{\"type\":\"history\",\"room\":\"r\",\"before\":\"7-2\",\"limit\":100}",
            new ClientFrame.History(null, "r", new MessageId(7, 2), 100)),
        Arguments.of("members", "{\"type\":\"members\",\"room\":\"r\"}", new ClientFrame.Members(null, "r")),
        Arguments.of("typing", "{\"type\":\"typing\",\"room\":\"r\"}", new ClientFrame.Typing(null, "r")),
        Arguments.of("ping with unknown extra fields", "{\"type\":\"ping\",\"ref\":\"x\",\"extra\":[1,2]}",
            new ClientFrame.Ping("x")),
        Arguments.of("null optional fields are absent", "{\"type\":\"send\",\"room\":\"r\",\"text\":\"a\",\"key\":null}",
            new ClientFrame.Send(null, "r", "a", null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  @DisplayName("valid frames parse into their request records")
  void parsesValidFrames(String name, String json, ClientFrame expected) throws ProtocolException {
    assertThat(parser.parse(json)).isEqualTo(expected);
  }

  static Stream<Arguments> refused() {
    String ok = "\"ref\":\"q\"";
    return Stream.of(
        Arguments.of("not JSON", "hello", ErrorCode.BAD_JSON, null),
        Arguments.of("truncated JSON", "{\"type\":", ErrorCode.BAD_JSON, null),
        Arguments.of("deeply nested JSON", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            ErrorCode.BAD_JSON, null),
        Arguments.of("a JSON array", "[1,2]", ErrorCode.BAD_REQUEST, null),
        Arguments.of("a JSON string", "\"join\"", ErrorCode.BAD_REQUEST, null),
        Arguments.of("ref not a string", "{\"type\":\"ping\",\"ref\":5}", ErrorCode.BAD_REQUEST, null),
        Arguments.of("ref too long", "{\"type\":\"ping\",\"ref\":\"" + "x".repeat(65) + "\"}", ErrorCode.BAD_REQUEST, null),
        Arguments.of("type missing", "{" + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("type not a string", "{\"type\":1," + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("unknown type", "{\"type\":\"shout\"," + ok + "}", ErrorCode.UNKNOWN_TYPE, "q"),
        Arguments.of("room missing", "{\"type\":\"join\"," + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("room not a string", "{\"type\":\"join\",\"room\":[]," + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("room with a space", "{\"type\":\"join\",\"room\":\"a b\"," + ok + "}", ErrorCode.INVALID_ROOM, "q"),
        Arguments.of("room starting with '-'", "{\"type\":\"create\",\"room\":\"-a\"," + ok + "}",
            ErrorCode.INVALID_ROOM, "q"),
        Arguments.of("room of 65 characters", "{\"type\":\"create\",\"room\":\"" + "a".repeat(65) + "\"," + ok + "}",
            ErrorCode.INVALID_ROOM, "q"),
        Arguments.of("empty room", "{\"type\":\"create\",\"room\":\"\"," + ok + "}", ErrorCode.INVALID_ROOM, "q"),
        Arguments.of("text missing", "{\"type\":\"send\",\"room\":\"r\"," + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("text empty", "{\"type\":\"send\",\"room\":\"r\",\"text\":\"\"," + ok + "}",
            ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("text a number", "{\"type\":\"send\",\"room\":\"r\",\"text\":3," + ok + "}",
            ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("text over the limit", "{\"type\":\"send\",\"room\":\"r\",\"text\":\"" + "x".repeat(11) + "\","
            + ok + "}", ErrorCode.TEXT_TOO_LONG, "q"),
        Arguments.of("key too long", "{\"type\":\"send\",\"room\":\"r\",\"text\":\"x\",\"key\":\"" + "k".repeat(65)
            + "\"," + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("since not a string", "{\"type\":\"join\",\"room\":\"r\",\"since\":5," + ok + "}",
            ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("before not an id", "{\"type\":\"history\",\"room\":\"r\",\"before\":\"yesterday\"," + ok + "}",
            ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("limit 0", "{\"type\":\"history\",\"room\":\"r\",\"limit\":0," + ok + "}", ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("limit 101", "{\"type\":\"history\",\"room\":\"r\",\"limit\":101," + ok + "}",
            ErrorCode.BAD_REQUEST, "q"),
        Arguments.of("limit fractional", "{\"type\":\"history\",\"room\":\"r\",\"limit\":2.5," + ok + "}",
            ErrorCode.BAD_REQUEST, "q"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  @DisplayName("invalid frames are refused with their error code and the request's ref")
  void refusesInvalidFrames(String name, String json, ErrorCode code, String ref) {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> parser.parse(json));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.ref()).isEqualTo(ref);
    assertThat(e.getMessage()).isNotBlank();
  }

  @Test
  @DisplayName("text length counts code points, not UTF-16 units")
  void textLengthCountsCodePoints() {
    String eleven = "\uD83D\uDE00".repeat(11);
    assertThatThrownBy(() -> parser.parse("{\"type\":\"send\",\"room\":\"r\",\"text\":\"" + eleven + "\"}"))
        .isInstanceOf(ProtocolException.class)
        .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.TEXT_TOO_LONG);
  }
}
