package io.roomcast.config;

import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The node's settings, validated once at start-up. Units are in the names; see {@link Setting} and the README.
 *
 * @param port HTTP port; 0 picks a free port (shared by all gateway instances)
 * @param host interface to bind
 * @param nodeId this node's name in {@code welcome.node} and logs
 * @param gatewayInstances gateway verticle instances (event loops serving sockets)
 * @param maxFrameBytes largest accepted client frame or message, in bytes; larger ones close the socket with 1009
 * @param maxTextLength longest {@code send.text}, in Unicode code points
 * @param maxRoomsPerConnection rooms one connection may have joined at once
 * @param maxRooms rooms the broker holds at most
 * @param maxPendingBytes bytes queued for a client that does not read before it is closed with 4008
 * @param sendRatePerSecond token-bucket refill rate for a connection's requests
 * @param sendBurst token-bucket capacity for a connection's requests
 * @param rateLimitStrikes refused ({@code rate_limited}) requests tolerated in a burst before closing with 4029;
 *     one strike is forgiven per second
 * @param historySize messages kept per room
 * @param historyMaxAgeSeconds how long a message is kept (for history and resume)
 * @param idempotencyWindowSeconds how long a {@code send.key} is remembered
 * @param bridgeTimeoutMs how long a gateway waits for the bridge before answering {@code unavailable}
 * @param drainSeconds on shutdown, the window over which connections are closed with 1012
 * @param presenceTtlSeconds how long a crashed node's presence entries outlive its last heartbeat (Redis)
 * @param redisUrl the Redis to share rooms through ({@code redis://host:port}); empty for the in-memory broker
 * @param redisPrefix the first segment of every Redis key and channel
 * @param redisPoolSize pooled Redis connections for commands (the subscriber has its own)
 * @param redisReconnectMinMs the first pause before reconnecting the subscriber (doubling from there)
 * @param redisReconnectMaxMs the longest pause between attempts to reconnect the subscriber
 * @param redisPingIntervalMs how often the bridge checks that Redis answers
 * @param jwtSecret HS256 secret; with it (or a public key) connections need a JWT
 * @param jwtPublicKey PEM public key (RSA for RS256, EC for ES256)
 * @param allowedOrigins exact origins allowed to open WebSockets; empty: no check
 * @param apiKeys keys that open the HTTP API in JWT mode
 * @param maxConnectionsPerUser connections one user may hold across all nodes
 * @param maxConnectionsPerIp connections one client IP may hold on this node
 * @param maxUpgradesPerSecond WebSocket upgrades this node accepts per second (bursts of the same size)
 * @param pingIntervalSeconds how often the server pings each connection
 * @param idleTimeoutSeconds a connection that sends nothing (not even a pong) for this long is closed
 * @param logFormat {@code text} or {@code json}
 * @param logLevel root log level
 * @param configScanSeconds how often the mounted config file is checked for changes
 */
public record ChatConfig(
    int port,
    String host,
    String nodeId,
    int gatewayInstances,
    int maxFrameBytes,
    int maxTextLength,
    int maxRoomsPerConnection,
    int maxRooms,
    int maxPendingBytes,
    int sendRatePerSecond,
    int sendBurst,
    int rateLimitStrikes,
    int historySize,
    int historyMaxAgeSeconds,
    int idempotencyWindowSeconds,
    int bridgeTimeoutMs,
    int drainSeconds,
    int presenceTtlSeconds,
    String redisUrl,
    String redisPrefix,
    int redisPoolSize,
    int redisReconnectMinMs,
    int redisReconnectMaxMs,
    int redisPingIntervalMs,
    String jwtSecret,
    String jwtPublicKey,
    List<String> allowedOrigins,
    List<String> apiKeys,
    int maxConnectionsPerUser,
    int maxConnectionsPerIp,
    int maxUpgradesPerSecond,
    int pingIntervalSeconds,
    int idleTimeoutSeconds,
    String logFormat,
    String logLevel,
    int configScanSeconds) {

  private static final Set<String> KNOWN_KEYS =
      Stream.of(Setting.values()).flatMap(s -> Stream.of(s.key(), s.env())).collect(Collectors.toUnmodifiableSet());

  /**
   * Builds the config from merged sources: file keys ({@code maxTextLength}) and environment names
   * ({@code CHAT_MAX_TEXT_LENGTH}) may both be present; the environment name wins.
   *
   * @throws ConfigException naming the first bad key
   */
  public static ChatConfig from(JsonObject merged) {
    for (String key : merged.fieldNames()) {
      if (!KNOWN_KEYS.contains(key)) {
        throw new ConfigException("unknown config key '" + key + "'");
      }
    }
    Map<Setting, Object> v = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      Object raw = merged.getValue(s.env(), merged.getValue(s.key()));
      if (raw == null) {
        throw new ConfigException(s.label() + " is missing");
      }
      v.put(s, s.numeric() ? (Object) integer(s, raw) : s.secret() ? raw.toString() : raw.toString().trim());
    }
    if ((String) v.get(Setting.HOST) == null || ((String) v.get(Setting.HOST)).isEmpty()) {
      throw new ConfigException(Setting.HOST.label() + " must not be empty");
    }
    String nodeId = (String) v.get(Setting.NODE_ID);
    if (nodeId.isEmpty()) {
      nodeId = defaultNodeId();
    } else if (!nodeId.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new ConfigException(Setting.NODE_ID.label() + " must be 1 to 64 letters, digits, '_', '.' or '-'");
    }
    String redisUrl = (String) v.get(Setting.REDIS_URL);
    if (!redisUrl.isEmpty() && !redisUrl.matches("(redis|rediss|unix)://.+")) {
      throw new ConfigException(Setting.REDIS_URL.label() + " must be a redis:// (or rediss://, unix://) URL");
    }
    String prefix = (String) v.get(Setting.REDIS_PREFIX);
    if (!prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new ConfigException(Setting.REDIS_PREFIX.label() + " must be 1 to 32 letters, digits, '_', '.' or '-'");
    }
    String jwtPublicKey = (String) v.get(Setting.JWT_PUBLIC_KEY);
    if (!jwtPublicKey.isEmpty() && !jwtPublicKey.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException(Setting.JWT_PUBLIC_KEY.label() + " must be a PEM public key (BEGIN PUBLIC KEY)");
    }
    List<String> origins = list((String) v.get(Setting.ALLOWED_ORIGINS));
    for (String o : origins) {
      if (!o.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw new ConfigException(Setting.ALLOWED_ORIGINS.label() + " entries are scheme://host[:port], got '" + o + "'");
      }
    }
    String logFormat = (String) v.get(Setting.LOG_FORMAT);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException(Setting.LOG_FORMAT.label() + " must be text or json");
    }
    String logLevel = ((String) v.get(Setting.LOG_LEVEL)).toUpperCase(java.util.Locale.ROOT);
    if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(logLevel)) {
      throw new ConfigException(Setting.LOG_LEVEL.label() + " must be TRACE, DEBUG, INFO, WARN or ERROR");
    }
    int instances = (int) v.get(Setting.GATEWAY_INSTANCES);
    return new ChatConfig(
        (int) v.get(Setting.PORT),
        (String) v.get(Setting.HOST),
        nodeId,
        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
        (int) v.get(Setting.MAX_FRAME_BYTES),
        (int) v.get(Setting.MAX_TEXT_LENGTH),
        (int) v.get(Setting.MAX_ROOMS_PER_CONNECTION),
        (int) v.get(Setting.MAX_ROOMS),
        (int) v.get(Setting.MAX_PENDING_BYTES),
        (int) v.get(Setting.SEND_RATE_PER_SECOND),
        (int) v.get(Setting.SEND_BURST),
        (int) v.get(Setting.RATE_LIMIT_STRIKES),
        (int) v.get(Setting.HISTORY_SIZE),
        (int) v.get(Setting.HISTORY_MAX_AGE_SECONDS),
        (int) v.get(Setting.IDEMPOTENCY_WINDOW_SECONDS),
        (int) v.get(Setting.BRIDGE_TIMEOUT_MS),
        (int) v.get(Setting.DRAIN_SECONDS),
        (int) v.get(Setting.PRESENCE_TTL_SECONDS),
        redisUrl,
        prefix,
        (int) v.get(Setting.REDIS_POOL_SIZE),
        (int) v.get(Setting.REDIS_RECONNECT_MIN_MS),
        (int) v.get(Setting.REDIS_RECONNECT_MAX_MS),
        (int) v.get(Setting.REDIS_PING_INTERVAL_MS),
        (String) v.get(Setting.JWT_SECRET),
        jwtPublicKey,
        origins,
        list((String) v.get(Setting.API_KEYS)),
        (int) v.get(Setting.MAX_CONNECTIONS_PER_USER),
        (int) v.get(Setting.MAX_CONNECTIONS_PER_IP),
        (int) v.get(Setting.MAX_UPGRADES_PER_SECOND),
        (int) v.get(Setting.PING_INTERVAL_SECONDS),
        (int) v.get(Setting.IDLE_TIMEOUT_SECONDS),
        logFormat,
        logLevel,
        (int) v.get(Setting.CONFIG_SCAN_SECONDS));
  }

  /** True when connections and the HTTP API need credentials (a JWT secret or public key is set). */
  public boolean jwtMode() {
    return !jwtSecret.isEmpty() || !jwtPublicKey.isEmpty();
  }

  /**
   * This config with the {@link Setting#LIVE} settings taken from {@code next}: what a running node applies when its
   * config file changes.
   */
  public ChatConfig withLiveSettingsOf(ChatConfig next) {
    RecordComponent[] parts = ChatConfig.class.getRecordComponents();
    Object[] values = new Object[parts.length];
    Class<?>[] types = new Class<?>[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        String name = parts[i].getName();
        boolean live = Setting.LIVE.stream().anyMatch(s -> s.key().equals(name));
        values[i] = parts[i].getAccessor().invoke(live ? next : this);
        types[i] = parts[i].getType();
      }
      return ChatConfig.class.getDeclaredConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The keys whose values differ between this config and {@code other}. */
  public List<String> differences(ChatConfig other) {
    List<String> changed = new java.util.ArrayList<>();
    try {
      for (RecordComponent c : ChatConfig.class.getRecordComponents()) {
        if (!java.util.Objects.equals(c.getAccessor().invoke(this), c.getAccessor().invoke(other))) {
          changed.add(c.getName());
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return changed;
  }

  /** Every setting and its value, secrets masked: what start-up logs. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (RecordComponent c : ChatConfig.class.getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      boolean secret = Stream.of(Setting.values()).anyMatch(s -> s.secret() && s.key().equals(c.getName()));
      if (secret) {
        value = value.toString().isEmpty() || "[]".equals(value.toString()) ? "(unset)" : "(set, masked)";
      } else if (c.getName().equals("redisUrl")) {
        value = redisUrlForLogs();
      } else if (c.getName().equals("jwtPublicKey")) {
        value = jwtPublicKey.isEmpty() ? "(unset)" : "(PEM)";
      }
      sb.append(sb.length() == 0 ? "" : ", ").append(c.getName()).append('=').append(value);
    }
    return sb.toString();
  }

  private static List<String> list(String commaSeparated) {
    return Stream.of(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  /** True when rooms are shared through Redis, false for the single-node in-memory broker. */
  public boolean redisMode() {
    return !redisUrl.isEmpty();
  }

  /** The Redis URL with any password replaced, for logs. */
  public String redisUrlForLogs() {
    return redisUrl.replaceAll("//[^@/]*@", "//***@");
  }

  private static int integer(Setting s, Object raw) {
    long n;
    if (raw instanceof Integer || raw instanceof Long) {
      n = ((Number) raw).longValue();
    } else if (raw instanceof String str && str.trim().matches("-?\\d{1,12}")) {
      n = Long.parseLong(str.trim());
    } else {
      throw new ConfigException(s.label() + " must be a whole number, got '" + raw + "'");
    }
    if (n < s.min() || n > s.max()) {
      throw new ConfigException(s.label() + " must be between " + s.min() + " and " + s.max() + ", got " + n);
    }
    return (int) n;
  }

  private static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    if (host != null && host.matches("[A-Za-z0-9_.-]{1,64}")) {
      return host;
    }
    return "node-" + Integer.toString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000), 36);
  }
}
