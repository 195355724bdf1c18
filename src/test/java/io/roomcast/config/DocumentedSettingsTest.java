package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DocumentedSettingsTest {

  @Test
  @DisplayName("every setting has a default in conf/config.json and a row in the README's configuration table")
  void everySettingIsDocumented() throws IOException {
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf/config.json")));
    String readme = Files.readString(Path.of("README.md"));
    for (Setting s : Setting.values()) {
      assertThat(defaults.containsKey(s.key())).as("conf/config.json has %s", s.key()).isTrue();
      assertThat(readme).as("README row for %s", s.env()).contains("| `" + s.env() + "` | `" + s.key() + "` |");
    }
    assertThat(defaults.fieldNames()).as("no default without a setting")
        .allSatisfy(k -> assertThat(Setting.values()).anyMatch(s -> s.key().equals(k)));
    assertThat(readme).contains("| `" + Setting.CONFIG_FILE_ENV + "` |");
  }
}
