package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every setting is declared once ({@link Setting}); what is made from it is checked byte for byte. When one of these
 * fails after a change to a setting, {@code java -cp target/classes io.roomcast.config.SettingsDoc} writes both.
 */
class DocumentedSettingsTest {

  @Test
  @DisplayName("conf/config.json holds exactly every setting's default, as Setting declares it")
  void defaultsAreMadeFromTheSettings() throws IOException {
    assertThat(Files.readString(SettingsDoc.DEFAULTS, StandardCharsets.UTF_8)).isEqualTo(SettingsDoc.defaultsJson());
  }

  @Test
  @DisplayName("docs/configuration.md's table has one row per setting, as Setting declares it, and the config file's")
  void tableIsMadeFromTheSettings() throws IOException {
    String doc = Files.readString(SettingsDoc.DOC, StandardCharsets.UTF_8);
    assertThat(doc).isEqualTo(SettingsDoc.withTable(doc));
    for (Setting s : Setting.values()) {
      assertThat(doc).as("row for %s", s.env()).contains("| `" + s.env() + "` | `" + s.key() + "` |");
    }
    assertThat(doc).contains("| `" + Setting.CONFIG_FILE_ENV + "` |");
  }

  @Test
  @DisplayName("the defaults load: every one within its setting's bounds")
  void defaultsLoad() throws IOException {
    assertThat(ChatConfig.from(new io.vertx.core.json.JsonObject(SettingsDoc.defaultsJson())).port())
        .isEqualTo(Setting.PORT.defaultValue());
  }
}
