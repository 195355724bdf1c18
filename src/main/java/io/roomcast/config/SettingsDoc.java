package io.roomcast.config;

import io.vertx.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What is made from {@link Setting}, the one declaration of every setting: {@code conf/config.json} (the defaults)
 * and the configuration table of docs/configuration.md. DocumentedSettingsTest checks both byte for byte; after a
 * change to a setting, {@code java -cp target/classes io.roomcast.config.SettingsDoc} writes them again.
 */
public final class SettingsDoc {
  /** The table sits between these lines in docs/configuration.md. */
  public static final String TABLE_BEGIN = "<!-- settings table: made from Setting.java by SettingsDoc -->";
  public static final String TABLE_END = "<!-- end of settings table -->";
  public static final Path DEFAULTS = Path.of(ConfigLoader.DEFAULTS_PATH);
  public static final Path DOC = Path.of("docs/configuration.md");

  private SettingsDoc() {}

  /** conf/config.json: every setting's default, in declaration order. */
  public static String defaultsJson() {
    StringBuilder sb = new StringBuilder("{\n");
    Setting[] all = Setting.values();
    for (int i = 0; i < all.length; i++) {
      sb.append("  ").append(Json.encode(all[i].key())).append(": ").append(Json.encode(all[i].defaultValue()))
          .append(i < all.length - 1 ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }

  /** The Markdown table: one row per setting, then the config file's variable. */
  public static String table() {
    StringBuilder sb = new StringBuilder("| env | JSON key | default | applied | meaning |\n|---|---|---|---|---|\n");
    for (Setting s : Setting.values()) {
      sb.append("| `").append(s.env()).append("` | `").append(s.key()).append("` | ").append(shown(s.defaultValue()))
          .append(" | ").append(s.apply() == Setting.Apply.LIVE ? "live" : "restart").append(" | ").append(s.doc())
          .append(" |\n");
    }
    return sb.append("| `").append(Setting.CONFIG_FILE_ENV).append("` | — | unset | — | path of a JSON file that ")
        .append("overrides the defaults; when set it must exist and parse. Changes to it are applied while running ")
        .append("(the live settings) |\n").toString();
  }

  private static String shown(Object value) {
    return value instanceof String s && s.isEmpty() ? "empty" : "`" + value + "`";
  }

  /** docs/configuration.md with its table made afresh. */
  public static String withTable(String doc) {
    int begin = doc.indexOf(TABLE_BEGIN);
    int end = doc.indexOf(TABLE_END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("the document has no settings table markers");
    }
    return doc.substring(0, begin + TABLE_BEGIN.length()) + "\n" + table() + doc.substring(end);
  }

  /** Writes conf/config.json and the table of docs/configuration.md (run from the project's directory). */
  public static void main(String[] args) throws IOException {
    Files.writeString(DEFAULTS, defaultsJson(), StandardCharsets.UTF_8);
    Files.writeString(DOC, withTable(Files.readString(DOC, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }
}
