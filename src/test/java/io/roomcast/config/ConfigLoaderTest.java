package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.support.Await;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  private final Vertx vertx = Vertx.vertx();
  @TempDir Path dir;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static final String SECRET = "whsec_" + java.util.Base64.getEncoder()
      .encodeToString("sixteen-bytes-or-more!".getBytes(java.nio.charset.StandardCharsets.UTF_8));

  @Test
  @DisplayName("hook and webhook settings: policies are read, the secret is decoded and never logged, URLs are masked")
  void hookSettings() {
    ChatConfig c = load(Map.of("CHAT_WEBHOOK_SECRET", SECRET, "CHAT_HOOK_SEND_URL", "https://app.example/send",
        "CHAT_HOOK_SEND_POLICY", "OPEN", "CHAT_WEBHOOK_URL", "https://u:p@app.example/events?token=abc"));
    assertThat(c.hookSettings().send().open()).isTrue();
    assertThat(c.hookSettings().join().enabled()).isFalse();
    assertThat(c.hookSettings().connect().open()).as("closed by default").isFalse();
    assertThat(new String(c.webhookSettings().secret(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("sixteen-bytes-or-more!");
    assertThat(c.webhookSettings().events()).hasSize(7);
    assertThat(c.describe()).doesNotContain(SECRET).doesNotContain("token=abc").doesNotContain("u:p")
        .contains("webhookUrl=https://***@app.example/events?***").contains("webhookSecret=(set, masked)");
  }

  private ChatConfig load(Map<String, String> env) {
    return Await.result(ConfigLoader.load(vertx, env));
  }

  private Path file(String json) throws Exception {
    Path p = dir.resolve("config.json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  @DisplayName("with no environment the defaults of conf/config.json apply")
  void defaults() {
    ChatConfig c = load(Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.maxFrameBytes()).isEqualTo(65536);
    assertThat(c.maxTextLength()).isEqualTo(4000);
    assertThat(c.sendRatePerSecond()).isEqualTo(20);
    assertThat(c.sendBurst()).isEqualTo(50);
    assertThat(c.gatewayInstances()).as("0 means one per core").isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.nodeId()).isNotBlank();
    assertThat(c.usesRedis()).as("no REDIS_URL: the in-memory broker").isFalse();
  }

  @Test
  @DisplayName("REDIS_URL switches to the Redis broker, and its password never reaches the logs")
  void redisUrl() {
    ChatConfig c = load(Map.of("REDIS_URL", "redis://:s3cret@redis:6379/0"));
    assertThat(c.usesRedis()).isTrue();
    assertThat(c.redisPrefix()).isEqualTo("chat");
    assertThat(c.redisUrlForLogs()).isEqualTo("redis://***@redis:6379/0").doesNotContain("s3cret");
  }

  @Test
  @DisplayName("the mounted file overrides the defaults and environment variables override both")
  void precedence() throws Exception {
    Path mounted = file("{\"maxTextLength\": 100, \"sendBurst\": 7, \"port\": 9000}");
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_CONFIG_FILE", mounted.toString());
    env.put("CHAT_SEND_BURST", "9");
    env.put("HOME", "/ignored/because/not/a/setting");
    ChatConfig c = load(env);
    assertThat(c.maxTextLength()).as("file beats defaults").isEqualTo(100);
    assertThat(c.sendBurst()).as("env beats file").isEqualTo(9);
    assertThat(c.port()).isEqualTo(9000);
    assertThat(c.historySize()).as("untouched default").isEqualTo(1000);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("a word for a number", Map.of("CHAT_SEND_BURST", "lots"), null, "CHAT_SEND_BURST"),
        Arguments.of("a negative rate", Map.of("CHAT_SEND_RATE_PER_SECOND", "-1"), null, "CHAT_SEND_RATE_PER_SECOND"),
        Arguments.of("a port out of range", Map.of("PORT", "70000"), null, "PORT"),
        Arguments.of("a frame limit below 1 KiB", Map.of("CHAT_MAX_FRAME_BYTES", "10"), null, "CHAT_MAX_FRAME_BYTES"),
        Arguments.of("a bad node id", Map.of("CHAT_NODE_ID", "a b"), null, "CHAT_NODE_ID"),
        Arguments.of("a Redis URL that is not one", Map.of("REDIS_URL", "localhost:6379"), null, "REDIS_URL"),
        Arguments.of("a Redis prefix with a colon", Map.of("CHAT_REDIS_PREFIX", "a:b"), null, "CHAT_REDIS_PREFIX"),
        Arguments.of("a replica wait as long as the bridge's", Map.of("CHAT_REDIS_WAIT_REPLICAS", "1",
            "CHAT_REDIS_WAIT_TIMEOUT_MS", "2000", "CHAT_BRIDGE_TIMEOUT_MS", "2000"), null, "CHAT_REDIS_WAIT_TIMEOUT_MS"),
        Arguments.of("a hook URL that is not http", Map.of("CHAT_HOOK_JOIN_URL", "ftp://x/y",
            "CHAT_WEBHOOK_SECRET", SECRET), null, "CHAT_HOOK_JOIN_URL"),
        Arguments.of("a hook without a secret", Map.of("CHAT_HOOK_SEND_URL", "http://app/send"), null,
            "CHAT_WEBHOOK_SECRET"),
        Arguments.of("a secret not in the whsec_ form", Map.of("CHAT_WEBHOOK_SECRET", "hunter2"), null,
            "CHAT_WEBHOOK_SECRET"),
        Arguments.of("a secret shorter than 16 bytes", Map.of("CHAT_WEBHOOK_SECRET", "whsec_c2hvcnQ="), null,
            "CHAT_WEBHOOK_SECRET"),
        Arguments.of("a policy that is neither open nor closed", Map.of("CHAT_HOOK_CONNECT_POLICY", "maybe"), null,
            "CHAT_HOOK_CONNECT_POLICY"),
        Arguments.of("an unknown event type", Map.of("CHAT_WEBHOOK_EVENTS", "message.created,message.edited"), null,
            "CHAT_WEBHOOK_EVENTS"),
        Arguments.of("a first retry longer than the longest", Map.of("CHAT_WEBHOOK_RETRY_MIN_MS", "5000",
            "CHAT_WEBHOOK_RETRY_MAX_MS", "1000"), null, "CHAT_WEBHOOK_RETRY_MIN_MS"),
        Arguments.of("a bad value in the file", Map.of(), "{\"historySize\": \"many\"}", "historySize"),
        Arguments.of("an unknown key in the file", Map.of(), "{\"maxTextLenght\": 5}", "maxTextLenght"),
        Arguments.of("a broken file", Map.of(), "{\"port\": ", "CHAT_CONFIG_FILE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  @DisplayName("an invalid setting stops start-up with a message naming the key")
  void invalidValuesNameTheKey(String name, Map<String, String> env, String fileJson, String key) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    if (fileJson != null) {
      all.put("CHAT_CONFIG_FILE", file(fileJson).toString());
    }
    assertThatThrownBy(() -> load(all))
        .satisfies(e -> assertThat(rootMessage(e)).contains(key));
  }

  @Test
  @DisplayName("the replica wait only has to fit in the bridge timeout when it is on")
  void replicaWaitCheckedOnlyWhenOn() throws Exception {
    assertThat(load(Map.of("CHAT_BRIDGE_TIMEOUT_MS", "800")).redisWaitReplicas()).isZero();
    assertThat(load(Map.of("CHAT_REDIS_WAIT_REPLICAS", "1", "CHAT_REDIS_WAIT_TIMEOUT_MS", "500",
        "CHAT_BRIDGE_TIMEOUT_MS", "800")).redisWaitTimeoutMs()).isEqualTo(500);
  }

  static Stream<Arguments> misspelled() {
    return Stream.of(
        Arguments.of("CHAT_SEND_BRUST", "did you mean CHAT_SEND_BURST?"),
        Arguments.of("CHAT_MAX_TEXT_LENGHT", "did you mean CHAT_MAX_TEXT_LENGTH?"),
        Arguments.of("CHAT_REDIS_MOD", "did you mean CHAT_REDIS_MODE?"),
        Arguments.of("CHAT_CONFIG_FLIE", "did you mean CHAT_CONFIG_FILE?"),
        Arguments.of("CHAT_SOMETHING_ELSE_ENTIRELY", "docs/configuration.md lists them"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misspelled")
  @DisplayName("a CHAT_ variable that names no setting stops start-up, naming it and the nearest valid name")
  void unknownEnvironmentVariable(String name, String hint) {
    assertThatThrownBy(() -> load(Map.of(name, "5")))
        .satisfies(e -> assertThat(rootMessage(e)).contains("unknown environment variable " + name).contains(hint));
  }

  @Test
  @DisplayName("other variables, and the service links Kubernetes adds for a Service named chat, are not settings")
  void otherVariablesAreIgnored() {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", "/root");
    env.put("REDIS_HOST", "ignored");
    env.put("CHAT_SERVICE_HOST", "10.0.0.7");
    env.put("CHAT_SERVICE_PORT", "80");
    env.put("CHAT_SERVICE_PORT_HTTP", "80");
    env.put("CHAT_PORT", "tcp://10.0.0.7:80");
    env.put("CHAT_PORT_80_TCP", "tcp://10.0.0.7:80");
    env.put("CHAT_PORT_80_TCP_ADDR", "10.0.0.7");
    env.put("CHAT_SEND_BURST", "9");
    assertThat(load(env).sendBurst()).isEqualTo(9);
  }

  @Test
  @DisplayName("a named config file that does not exist stops start-up")
  void missingMountedFile() {
    assertThatThrownBy(() -> load(Map.of("CHAT_CONFIG_FILE", dir.resolve("nope.json").toString())))
        .satisfies(e -> assertThat(rootMessage(e)).contains("CHAT_CONFIG_FILE"));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || !(t instanceof ConfigException)) && t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
