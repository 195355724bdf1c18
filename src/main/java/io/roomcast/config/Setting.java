package io.roomcast.config;

/**
 * Every setting: its key in the JSON config files, its environment variable, and its bounds. Defaults live in
 * {@code conf/config.json}; the README's configuration table documents each one.
 */
public enum Setting {
  PORT("port", "PORT", 0, 65535),
  HOST("host", "CHAT_HOST"),
  NODE_ID("nodeId", "CHAT_NODE_ID"),
  GATEWAY_INSTANCES("gatewayInstances", "CHAT_GATEWAY_INSTANCES", 0, 256),
  MAX_FRAME_BYTES("maxFrameBytes", "CHAT_MAX_FRAME_BYTES", 1024, 16 * 1024 * 1024),
  MAX_TEXT_LENGTH("maxTextLength", "CHAT_MAX_TEXT_LENGTH", 1, 1_000_000),
  MAX_ROOMS_PER_CONNECTION("maxRoomsPerConnection", "CHAT_MAX_ROOMS_PER_CONNECTION", 1, 100_000),
  MAX_ROOMS("maxRooms", "CHAT_MAX_ROOMS", 1, 100_000_000),
  MAX_PENDING_BYTES("maxPendingBytes", "CHAT_MAX_PENDING_BYTES", 4096, 1L << 30),
  SEND_RATE_PER_SECOND("sendRatePerSecond", "CHAT_SEND_RATE_PER_SECOND", 1, 1_000_000),
  SEND_BURST("sendBurst", "CHAT_SEND_BURST", 1, 1_000_000),
  RATE_LIMIT_STRIKES("rateLimitStrikes", "CHAT_RATE_LIMIT_STRIKES", 1, 1_000_000),
  HISTORY_SIZE("historySize", "CHAT_HISTORY_SIZE", 1, 10_000_000),
  HISTORY_MAX_AGE_SECONDS("historyMaxAgeSeconds", "CHAT_HISTORY_MAX_AGE_SECONDS", 1, 365L * 24 * 3600),
  IDEMPOTENCY_WINDOW_SECONDS("idempotencyWindowSeconds", "CHAT_IDEMPOTENCY_WINDOW_SECONDS", 1, 7 * 24 * 3600),
  BRIDGE_TIMEOUT_MS("bridgeTimeoutMs", "CHAT_BRIDGE_TIMEOUT_MS", 100, 60_000),
  DRAIN_SECONDS("drainSeconds", "CHAT_DRAIN_SECONDS", 0, 600),
  PRESENCE_TTL_SECONDS("presenceTtlSeconds", "CHAT_PRESENCE_TTL_SECONDS", 2, 3600),
  REDIS_URL("redisUrl", "REDIS_URL"),
  REDIS_PREFIX("redisPrefix", "CHAT_REDIS_PREFIX"),
  REDIS_POOL_SIZE("redisPoolSize", "CHAT_REDIS_POOL_SIZE", 1, 256),
  REDIS_RECONNECT_MIN_MS("redisReconnectMinMs", "CHAT_REDIS_RECONNECT_MIN_MS", 10, 600_000),
  REDIS_RECONNECT_MAX_MS("redisReconnectMaxMs", "CHAT_REDIS_RECONNECT_MAX_MS", 10, 600_000),
  REDIS_PING_INTERVAL_MS("redisPingIntervalMs", "CHAT_REDIS_PING_INTERVAL_MS", 100, 600_000),
  JWT_SECRET("jwtSecret", "CHAT_JWT_SECRET", true),
  JWT_PUBLIC_KEY("jwtPublicKey", "CHAT_JWT_PUBLIC_KEY", false),
  ALLOWED_ORIGINS("allowedOrigins", "CHAT_ALLOWED_ORIGINS", false),
  API_KEYS("apiKeys", "CHAT_API_KEYS", true),
  MAX_CONNECTIONS_PER_USER("maxConnectionsPerUser", "CHAT_MAX_CONNECTIONS_PER_USER", 1, 1_000_000),
  MAX_CONNECTIONS_PER_IP("maxConnectionsPerIp", "CHAT_MAX_CONNECTIONS_PER_IP", 1, 10_000_000),
  MAX_UPGRADES_PER_SECOND("maxUpgradesPerSecond", "CHAT_MAX_UPGRADES_PER_SECOND", 1, 1_000_000),
  PING_INTERVAL_SECONDS("pingIntervalSeconds", "CHAT_PING_INTERVAL_SECONDS", 1, 3600),
  IDLE_TIMEOUT_SECONDS("idleTimeoutSeconds", "CHAT_IDLE_TIMEOUT_SECONDS", 2, 86_400),
  LOG_FORMAT("logFormat", "CHAT_LOG_FORMAT"),
  LOG_LEVEL("logLevel", "CHAT_LOG_LEVEL"),
  CONFIG_SCAN_SECONDS("configScanSeconds", "CHAT_CONFIG_SCAN_SECONDS", 1, 3600);

  /** The settings a running node applies when the mounted config file changes; the others need a restart. */
  public static final java.util.Set<Setting> LIVE = java.util.EnumSet.of(MAX_TEXT_LENGTH, MAX_ROOMS_PER_CONNECTION,
      MAX_PENDING_BYTES, SEND_RATE_PER_SECOND, SEND_BURST, RATE_LIMIT_STRIKES, MAX_CONNECTIONS_PER_USER,
      MAX_CONNECTIONS_PER_IP, ALLOWED_ORIGINS, LOG_LEVEL);

  /** The environment variable naming an optional config file (a mounted ConfigMap) that overrides the defaults. */
  public static final String CONFIG_FILE_ENV = "CHAT_CONFIG_FILE";

  private final String key;
  private final String env;
  private final boolean numeric;
  private final long min;
  private final long max;
  private final boolean secret;

  Setting(String key, String env) {
    this(key, env, false);
  }

  Setting(String key, String env, boolean secret) {
    this.key = key;
    this.env = env;
    this.numeric = false;
    this.min = 0;
    this.max = 0;
    this.secret = secret;
  }

  Setting(String key, String env, long min, long max) {
    this.key = key;
    this.env = env;
    this.numeric = true;
    this.min = min;
    this.max = max;
    this.secret = false;
  }

  public String key() {
    return key;
  }

  public String env() {
    return env;
  }

  public boolean numeric() {
    return numeric;
  }

  public long min() {
    return min;
  }

  public long max() {
    return max;
  }

  /** A secret's value never appears in logs or config dumps. */
  public boolean secret() {
    return secret;
  }

  /** "PORT (port)": how messages name a setting, so an operator finds it whichever way it was set. */
  public String label() {
    return env + " (" + key + ")";
  }
}
