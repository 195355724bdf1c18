package io.roomcast.it.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.roomcast.support.JarNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript tests (src/test/js) with Node's test runner: the client library against real nodes, and the
 * web chat in headless Chromium. They need Node.js, `npm ci --prefix src/test/js` and Debian's chromium, which
 * .ci/run installs. Where they are missing the tests are skipped on a developer machine, and fail under CI
 * ({@code CI} set), so a CI run never passes without covering the library and the page.
 */
class JsClientIT {
  private static final Path DIR = Path.of("src/test/js");

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** A tool the tests need: missing, it skips the test, or fails it under CI. */
  static void require(boolean present, String missing) {
    if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) {
      assertThat(present).as("CI is set, and %s", missing).isTrue();
    }
    assumeTrue(present, missing);
  }

  private static void run(String file) throws IOException, InterruptedException {
    require(onPath("node"), "Node.js is not installed");
    require(Files.isDirectory(DIR.resolve("node_modules/ws")), "the npm packages are missing: npm ci --prefix src/test/js");
    List<String> cmd = new ArrayList<>(List.of("node", "--test", "--test-concurrency=1", file));
    // output to a file: reading a pipe would block until every process holding it ends, timeout or not
    Path log = Files.createTempFile("roomcast-node-test", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("ROOMCAST_JAR", JarNode.jar().toAbsolutePath().toString());
    pb.environment().put("ROOMCAST_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("ROOMCAST_SCREENSHOTS", Path.of("target/browser-screenshots").toAbsolutePath().toString());
    Process p = pb.start();
    boolean ended = p.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      // a test that never ends (a child it spawned keeps Node alive): stop the whole tree, then fail with the output
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    assertThat(ended).as("node --test %s ended within 5 minutes:%n%s", file, output).isTrue();
    // the output is printed only as part of a failure
    assertThat(p.exitValue()).as("node --test %s:%n%s", file, output).isZero();
    assertThat(output).as("node --test %s:%n%s", file, output).contains("# fail 0").doesNotContain("# pass 0");
  }

  @Test
  @DisplayName("the client library in Node: reconnect and resume, close codes, request timeouts")
  void library() throws Exception {
    run("client.test.mjs");
  }

  @Test
  @DisplayName("the web chat in headless Chromium: two nodes, presence, typing, literal HTML, restart without loss")
  void browser() throws Exception {
    require(Files.isExecutable(Path.of(System.getenv().getOrDefault("ROOMCAST_CHROMIUM", "/usr/bin/chromium"))),
        "Chromium is not installed");
    run("browser.test.mjs");
  }
}
