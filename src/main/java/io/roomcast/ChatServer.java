package io.roomcast;

import io.micrometer.core.instrument.MeterRegistry;
import io.roomcast.bridge.BridgeVerticle;
import io.roomcast.bridge.memory.MemoryBroker;
import io.roomcast.bridge.redis.RedisBroker;
import io.roomcast.bus.Addresses;
import io.roomcast.bus.ConfigUpdate;
import io.roomcast.bus.Drain;
import io.roomcast.bus.LocalCodec;
import io.roomcast.config.ChatConfig;
import io.roomcast.config.ConfigException;
import io.roomcast.config.ConfigLoader;
import io.roomcast.config.LiveConfig;
import io.roomcast.gateway.ChatGatewayVerticle;
import io.roomcast.config.WebhookSettings;
import io.roomcast.hooks.Hooks;
import io.roomcast.webhooks.MemoryWebhookStore;
import io.roomcast.webhooks.WebhookDelivery;
import io.roomcast.http.ManagementVerticle;
import io.roomcast.ops.Logging;
import io.roomcast.ops.Metrics;
import io.roomcast.ops.NodeState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node: loads the config, deploys the bridge (Redis when {@code REDIS_URL} is set, else in-memory), then the
 * gateway instances.
 */
public final class ChatServer {
  private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
  private static final String REGISTRY = "roomcast";

  private ChatServer() {}

  /**
   * A running node: its Vertx, its settings, the port it listens on, the port of its health and metrics routes (the
   * same unless {@code managementPort} is set), its bridge's deployment and its state.
   */
  public record Node(Vertx vertx, ChatConfig config, int port, int managementPort, String bridgeDeployment,
      NodeState state, Metrics metrics) {}

  public static void main(String[] args) {
    Vertx vertx = newVertx(REGISTRY);
    Node node;
    try {
      node = ConfigLoader.load(vertx, System.getenv())
          .compose(config -> start(vertx, config, REGISTRY))
          .await(60, TimeUnit.SECONDS);
      watchConfig(node, System.getenv());
    } catch (Throwable e) {
      Throwable cause = e instanceof ConfigException ? e : e.getCause() != null ? e.getCause() : e;
      System.err.println(cause instanceof ConfigException ? "invalid configuration: " + cause.getMessage()
          : "start-up failed: " + cause);
      vertx.close();
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        shutdown(node).await(node.config().drainSeconds() + 20L, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish cleanly: {}", e.toString());
      }
    }, "roomcast-shutdown"));
  }

  /**
   * A Vertx with Prometheus metrics kept in its own registry (several nodes may share a JVM in tests), whose label
   * values are bounded ({@link Metrics#newRegistry}).
   */
  public static Vertx newVertx(String registryName) {
    // Netty's native epoll transport where it loads (Linux): fewer copies and locks per write than Java NIO
    // one event loop per core (Vert.x's default is two): the bridge shares a gateway instance's loop, so a request
    // and its fan-out run on one thread instead of waking another one twice per message
    return Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)
            .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
            .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            // the local event bus carries every request and event: its per-message meters cost more than they tell
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
            .setRegistryName(registryName)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory(Metrics.newRegistry()))
        .build();
  }

  /**
   * A port that is free now, for {@code port: 0}. All gateway instances must bind the same configured port to share
   * it (Vert.x shares a listening socket by its configured address), so "any port" is resolved here, once.
   */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Deploys a node on {@code vertx}, whose metrics registry is {@code registryName}. */
  public static Future<Node> start(Vertx vertx, ChatConfig config, String registryName) {
    LocalCodec.register(vertx);
    Logging.configure(config.nodeId(), config.logFormat(), config.logLevel());
    LOG.info("configuration: {}", config.describe());
    MeterRegistry registry = BackendRegistries.getNow(registryName);
    Metrics metrics = new Metrics(registry);
    NodeState state = new NodeState(config);
    Hooks hooks = new Hooks(vertx, config.hookSettings(), registry);
    vertx.setPeriodic(10_000, t -> state.sweep());
    int port;
    int managementPort;
    try {
      port = config.port() != 0 ? config.port() : freePort();
      managementPort = !config.separateManagementPort() ? port
          : config.managementPort() != 0 ? config.managementPort() : freePort();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    WebhookSettings webhooks = config.webhookSettings();
    VerticleBase bridge = new BridgeVerticle((v, events) -> config.usesRedis()
        ? new RedisBroker(v, config.nodeSettings(), config.redisSettings(), config.roomSettings(), metrics, events,
            webhooks)
        : new MemoryBroker(v, config.roomSettings(), metrics, events,
            webhooks.enabled() ? new MemoryWebhookStore(webhooks) : null),
        webhooks.enabled() ? (v, store) -> new WebhookDelivery(v, webhooks, store, registry) : null);
    return vertx.deployVerticle(bridge)
        .compose(bridgeId -> vertx.deployVerticle(
            () -> new ChatGatewayVerticle(config.gatewaySettings(), metrics, state, registryName, port, hooks),
            new DeploymentOptions().setInstances(config.gatewayInstances())).map(bridgeId))
        .compose(bridgeId -> !config.separateManagementPort() ? Future.succeededFuture(bridgeId)
            : vertx.deployVerticle(new ManagementVerticle(config.host(), config.bridgeTimeoutMs(), state, registryName,
                managementPort)).map(bridgeId))
        .map(bridgeId -> {
          LOG.info("node {} listening on {}:{} (health and metrics on {}) with {} gateway instances, the {} and the {} "
                  + "transport", config.nodeId(), config.host(), port,
              managementPort == port ? "the same port" : managementPort, config.gatewayInstances(),
              config.usesRedis() ? "Redis broker (" + config.redisTopology().label() + " mode)" : "in-memory broker",
              vertx.isNativeTransportEnabled() ? "native (epoll)" : "Java NIO");
          return new Node(vertx, config, port, managementPort, bridgeId, state, metrics);
        });
  }

  /**
   * Live config: when the mounted config file ({@code CHAT_CONFIG_FILE}) changes, the config is loaded again; the
   * live settings are applied, the others are logged as needing a restart; a broken file is rejected with a log line
   * and the current settings stay.
   */
  public static void watchConfig(Node node, Map<String, String> env) {
    LiveConfig.watch(node.vertx(), node.config(), env, new LiveConfig.Listener() {
      @Override
      public void applied(ChatConfig applied, List<String> live, List<String> later) {
        node.state().configure(applied);
        Logging.setLevel(applied.logLevel());
        node.vertx().eventBus().publish(Addresses.CONFIG, new ConfigUpdate(applied));
        node.metrics().configReloaded(true);
        LOG.info("config file changed: applied {}; needs a restart to take effect: {}", live, later);
      }

      @Override
      public void rejected(String reason) {
        node.metrics().configReloaded(false);
        LOG.warn("config file change rejected ({}); keeping the current settings", reason);
      }
    });
  }

  /**
   * Graceful shutdown (SIGTERM, rolling deploys): readiness turns 503 and new upgrades are refused at once; every
   * connection is closed with 1012 (reconnect to another node and resume), spread over the drain window; then the
   * verticles stop, the bridge releasing this node's presence last.
   */
  public static Future<Void> shutdown(Node node) {
    Vertx vertx = node.vertx();
    long windowMs = node.config().drainSeconds() * 1000L;
    node.state().startDraining();
    LOG.info("node {} draining: closing {} connections over {} s", node.config().nodeId(),
        node.metrics().openConnections(), node.config().drainSeconds());
    vertx.eventBus().publish(Addresses.DRAIN, new Drain(windowMs));
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(windowMs + 5000);
    vertx.setPeriodic(50, timer -> {
      if (node.metrics().openConnections() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(timer);
        drained.complete();
      }
    });
    return drained.future()
        .compose(v -> vertx.close())
        .onComplete(ar -> node.metrics().close())
        .onComplete(ar -> LOG.info("node {} stopped", node.config().nodeId()));
  }
}
