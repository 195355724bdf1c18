package io.roomcast.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a JSON object strictly (RFC 8259 and nothing more: no comments, no single quotes, no trailing commas, no
 * duplicate keys), with bounded nesting and number lengths, straight from its text: the object's members become a map
 * of their Java values, and a nested object or array becomes {@link #NESTED} (no request has a nested field, so its
 * content is checked for syntax and skipped). Vert.x's own JSON codec accepts comments, which a strict protocol must
 * not.
 */
public final class StrictJson {
  /** The value of a member that is an object or an array. */
  public static final Object NESTED = new Object() {
    @Override
    public String toString() {
      return "(nested)";
    }
  };

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64).build())
      .build();

  private StrictJson() {}

  /**
   * The members of the JSON object {@code text}. Throws {@code bad_json} for text that is not JSON, and
   * {@code bad_request} for JSON that is not an object.
   */
  public static Map<String, Object> object(String text) throws ProtocolException {
    try (JsonParser p = FACTORY.createParser(text)) {
      return object(p);
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "the frame is not valid JSON", null);
    }
  }

  /** Like {@link #object(String)}, for UTF-8 bytes. */
  public static Map<String, Object> object(byte[] utf8) throws ProtocolException {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      return object(p);
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "the body is not valid JSON", null);
    }
  }

  private static Map<String, Object> object(JsonParser p) throws IOException, ProtocolException {
    JsonToken first = p.nextToken();
    if (first != JsonToken.START_OBJECT) {
      skipRest(p, first);
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object", null);
    }
    Map<String, Object> members = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      members.put(name, switch (t) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT -> p.getNumberValue();
        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        case START_OBJECT, START_ARRAY -> {
          p.skipChildren();
          yield NESTED;
        }
        default -> throw new IOException("unexpected " + t);
      });
    }
    if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
      throw new IOException("trailing content");
    }
    return members;
  }

  /** Reads a top-level value that is not an object to its end, so that malformed text is still bad_json. */
  private static void skipRest(JsonParser p, JsonToken first) throws IOException {
    if (first == null) {
      throw new IOException("empty");
    }
    p.skipChildren();
    if (p.nextToken() != null) {
      throw new IOException("trailing content");
    }
  }
}
