package io.roomcast.support;

import io.roomcast.ChatServer;
import io.roomcast.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node started in this JVM on a free port, configured like production: defaults file, then env settings. */
public final class TestNode implements AutoCloseable {
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final Vertx vertx;
  private final ChatServer.Node node;

  private TestNode(Map<String, String> env) {
    String name = "test-node-" + COUNT.incrementAndGet();
    Map<String, String> settings = new HashMap<>();
    settings.put("PORT", "0");
    settings.put("CHAT_NODE_ID", name);
    settings.put("CHAT_GATEWAY_INSTANCES", "2");
    // quiet test runs: the warnings of fault tests are expected; what a node logs is checked on real processes
    settings.put("CHAT_LOG_LEVEL", "ERROR");
    // every test client comes from 127.0.0.1: the per-address limits are raised here, and set low by the tests of them
    settings.put("CHAT_ROOM_CREATE_QUOTA", "1000000");
    settings.put("CHAT_API_BURST", "100000");
    settings.put("CHAT_API_RATE_PER_SECOND", "100000");
    settings.put("CHAT_MAX_UPGRADES_PER_IP_PER_SECOND", "100000");
    settings.putAll(env);
    vertx = ChatServer.newVertx(name);
    node = Await.result(ConfigLoader.load(vertx, settings).compose(cfg -> ChatServer.start(vertx, cfg, name)));
    ChatServer.watchConfig(node, settings);
  }

  /** Starts a node; {@code env} holds extra settings by environment name, e.g. {@code CHAT_SEND_BURST}. */
  public static TestNode start(Map<String, String> env) {
    return new TestNode(env);
  }

  public static TestNode start() {
    return new TestNode(Map.of());
  }

  /** Waits until every node's {@code /health/ready} answers 200 (the Redis subscription is in place). */
  public static void awaitReady(TestNode... nodes) {
    for (TestNode n : nodes) {
      Await.until(n.node.config().nodeId() + " ready", Duration.ofSeconds(15), n::ready);
    }
  }

  public boolean ready() {
    return Http.get(node.managementPort(), "/health/ready").statusCode() == 200;
  }

  /** The value of a Prometheus series (name with labels) on this node's /metrics, or NaN when absent. */
  public double metric(String series) {
    return metric(node.managementPort(), series);
  }

  /** The value of a Prometheus series on the /metrics of the node whose management port is {@code port}. */
  public static double metric(int port, String series) {
    String body = Http.get(port, "/metrics").body();
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  public int port() {
    return node.port();
  }

  public Vertx vertx() {
    return vertx;
  }

  public ChatServer.Node node() {
    return node;
  }

  @Override
  public void close() {
    Await.result(vertx.close());
    node.metrics().close();
  }
}
