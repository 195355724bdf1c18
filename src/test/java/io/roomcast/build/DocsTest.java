package io.roomcast.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The documentation leads somewhere: every link resolves, and every setting it names exists. */
class DocsTest {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern VARIABLE = Pattern.compile("`((?:CHAT|REDIS)_[A-Z0-9_]+)");
  /** Named on purpose though no setting: a typo the server refuses, and what Kubernetes adds for a Service. */
  private static final Set<String> NOT_SETTINGS = Set.of("CHAT_SEND_BRUST", "CHAT_SERVICE_HOST", "CHAT_PORT_80_TCP");

  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md"), Path.of("clients/java/README.md")));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> anchors(Path doc) throws IOException {
    Set<String> anchors = new HashSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("#")) {
        String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
        anchors.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  @Test
  @DisplayName("every relative link in the README and docs/ names a file that exists (and a heading it has)")
  void linksResolve() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher m = LINK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^(https?|mailto|ws|wss):.*")) {
          continue;
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        Path resolved = file.isEmpty() ? doc : doc.resolveSibling(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(doc + ": " + target);
        } else if (target.contains("#") && resolved.toString().endsWith(".md")
            && !anchors(resolved).contains(target.substring(target.indexOf('#') + 1))) {
          broken.add(doc + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  @DisplayName("every environment variable the docs name is a setting")
  void namedSettingsExist() throws IOException {
    Set<String> known = new HashSet<>(NOT_SETTINGS);
    known.add(Setting.CONFIG_FILE_ENV);
    for (Setting s : Setting.values()) {
      known.add(s.env());
    }
    List<String> unknown = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher m = VARIABLE.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        if (!known.contains(m.group(1))) {
          unknown.add(doc + ": " + m.group(1));
        }
      }
    }
    assertThat(unknown).as("variables that are no setting").isEmpty();
  }
}
