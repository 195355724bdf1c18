package io.roomcast.protocol;

import java.util.Map;

/**
 * Turns one client text frame into a {@link ClientFrame}, or refuses it with a coded {@link ProtocolException}.
 * It never throws anything else.
 */
public final class FrameParser {
  public static final int MAX_REF_LENGTH = 64;
  public static final int MAX_KEY_LENGTH = 64;
  public static final int MAX_HISTORY_LIMIT = 100;
  public static final int DEFAULT_HISTORY_LIMIT = 50;

  private final int maxTextLength;

  /** @param maxTextLength the longest accepted {@code send.text}, in Unicode code points */
  public FrameParser(int maxTextLength) {
    this.maxTextLength = maxTextLength;
  }

  public ClientFrame parse(String text) throws ProtocolException {
    Map<String, Object> json = StrictJson.object(text);
    String ref = ref(json);
    Object type = json.get("type");
    if (!(type instanceof String t)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'type' must be a string", ref);
    }
    return switch (t) {
      case "create" -> new ClientFrame.Create(ref, room(json, ref));
      case "rooms" -> new ClientFrame.Rooms(ref);
      case "join" -> new ClientFrame.Join(ref, room(json, ref), optionalString(json, "since", Integer.MAX_VALUE, ref));
      case "leave" -> new ClientFrame.Leave(ref, room(json, ref));
      case "send" -> send(json, ref);
      case "history" -> history(json, ref);
      case "members" -> new ClientFrame.Members(ref, room(json, ref));
      case "typing" -> new ClientFrame.Typing(ref, room(json, ref));
      case "ping" -> new ClientFrame.Ping(ref);
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown request type '" + clip(t) + "'", ref);
    };
  }

  private static String ref(Map<String, Object> json) throws ProtocolException {
    Object ref = json.get("ref");
    if (ref == null) {
      return null;
    }
    if (!(ref instanceof String s) || s.length() > MAX_REF_LENGTH) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'ref' must be a string of at most 64 characters", null);
    }
    return s;
  }

  private static String room(Map<String, Object> json, String ref) throws ProtocolException {
    Object room = json.get("room");
    if (!(room instanceof String s)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'room' must be a string", ref);
    }
    if (!Names.isValidRoom(s)) {
      throw new ProtocolException(ErrorCode.INVALID_ROOM,
          "room names are 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit", ref);
    }
    return s;
  }

  private ClientFrame.Send send(Map<String, Object> json, String ref) throws ProtocolException {
    String room = room(json, ref);
    Object text = json.get("text");
    if (!(text instanceof String s)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'text' must be a string", ref);
    }
    if (s.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'text' must not be empty", ref);
    }
    if (s.length() > maxTextLength && s.codePointCount(0, s.length()) > maxTextLength) {
      throw new ProtocolException(ErrorCode.TEXT_TOO_LONG,
          "text is longer than " + maxTextLength + " characters", ref);
    }
    String key = optionalString(json, "key", MAX_KEY_LENGTH, ref);
    return new ClientFrame.Send(ref, room, s, key);
  }

  private static ClientFrame.History history(Map<String, Object> json, String ref) throws ProtocolException {
    String room = room(json, ref);
    String beforeText = optionalString(json, "before", Integer.MAX_VALUE, ref);
    MessageId before = null;
    if (beforeText != null) {
      before = MessageId.parse(beforeText);
      if (before == null) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'before' is not a message id", ref);
      }
    }
    Object limit = json.get("limit");
    int n = DEFAULT_HISTORY_LIMIT;
    if (limit != null) {
      if (!(limit instanceof Integer || limit instanceof Long)
          || ((Number) limit).longValue() < 1 || ((Number) limit).longValue() > MAX_HISTORY_LIMIT) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "field 'limit' must be an integer from 1 to 100", ref);
      }
      n = ((Number) limit).intValue();
    }
    return new ClientFrame.History(ref, room, before, n);
  }

  private static String optionalString(Map<String, Object> json, String field, int maxLength, String ref)
      throws ProtocolException {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.length() > maxLength) {
      String limit = maxLength == Integer.MAX_VALUE ? "" : " of at most " + maxLength + " characters";
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "field '" + field + "' must be a string" + limit, ref);
    }
    return s;
  }

  private static String clip(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "...";
  }
}
