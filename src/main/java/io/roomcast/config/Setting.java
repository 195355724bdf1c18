package io.roomcast.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every setting: its key in the JSON config files (also the name of its {@link ChatConfig} component), its environment
 * variable, its kind and bounds. Defaults live in {@code conf/config.json}; the README's configuration table documents
 * each one (both checked by DocumentedSettingsTest).
 */
public enum Setting {
  PORT("port", "PORT", 0, 65535),
  MANAGEMENT_PORT("managementPort", "CHAT_MANAGEMENT_PORT", -1, 65535),
  HOST("host", "CHAT_HOST", Kind.STRING),
  NODE_ID("nodeId", "CHAT_NODE_ID", Kind.STRING),
  GATEWAY_INSTANCES("gatewayInstances", "CHAT_GATEWAY_INSTANCES", 0, 256),
  MAX_FRAME_BYTES("maxFrameBytes", "CHAT_MAX_FRAME_BYTES", 1024, 16 * 1024 * 1024),
  MAX_TEXT_LENGTH("maxTextLength", "CHAT_MAX_TEXT_LENGTH", 1, 1_000_000),
  MAX_ROOMS_PER_CONNECTION("maxRoomsPerConnection", "CHAT_MAX_ROOMS_PER_CONNECTION", 1, 100_000),
  MAX_ROOMS("maxRooms", "CHAT_MAX_ROOMS", 1, 100_000_000),
  ROOM_CREATE_QUOTA("roomCreateQuota", "CHAT_ROOM_CREATE_QUOTA", 1, 100_000_000),
  ROOM_CREATE_WINDOW_SECONDS("roomCreateWindowSeconds", "CHAT_ROOM_CREATE_WINDOW_SECONDS", 1, 365L * 24 * 3600),
  ROOM_IDLE_EXPIRY_SECONDS("roomIdleExpirySeconds", "CHAT_ROOM_IDLE_EXPIRY_SECONDS", 0, 10L * 365 * 24 * 3600),
  MAX_PENDING_BYTES("maxPendingBytes", "CHAT_MAX_PENDING_BYTES", 4096, 1L << 30),
  WRITE_DELAY_MS("writeDelayMs", "CHAT_WRITE_DELAY_MS", 0, 1000),
  SEND_RATE_PER_SECOND("sendRatePerSecond", "CHAT_SEND_RATE_PER_SECOND", 1, 1_000_000),
  SEND_BURST("sendBurst", "CHAT_SEND_BURST", 1, 1_000_000),
  RATE_LIMIT_STRIKES("rateLimitStrikes", "CHAT_RATE_LIMIT_STRIKES", 1, 1_000_000),
  API_RATE_PER_SECOND("apiRatePerSecond", "CHAT_API_RATE_PER_SECOND", 1, 1_000_000),
  API_BURST("apiBurst", "CHAT_API_BURST", 1, 1_000_000),
  HISTORY_SIZE("historySize", "CHAT_HISTORY_SIZE", 1, 10_000_000),
  HISTORY_MAX_AGE_SECONDS("historyMaxAgeSeconds", "CHAT_HISTORY_MAX_AGE_SECONDS", 1, 365L * 24 * 3600),
  IDEMPOTENCY_WINDOW_SECONDS("idempotencyWindowSeconds", "CHAT_IDEMPOTENCY_WINDOW_SECONDS", 1, 7 * 24 * 3600),
  BRIDGE_TIMEOUT_MS("bridgeTimeoutMs", "CHAT_BRIDGE_TIMEOUT_MS", 100, 60_000),
  DRAIN_SECONDS("drainSeconds", "CHAT_DRAIN_SECONDS", 0, 600),
  PRESENCE_TTL_SECONDS("presenceTtlSeconds", "CHAT_PRESENCE_TTL_SECONDS", 2, 3600),
  REDIS_URL("redisUrl", "REDIS_URL", Kind.STRING),
  REDIS_MODE("redisMode", "CHAT_REDIS_MODE", Kind.STRING),
  REDIS_PREFIX("redisPrefix", "CHAT_REDIS_PREFIX", Kind.STRING),
  REDIS_POOL_SIZE("redisPoolSize", "CHAT_REDIS_POOL_SIZE", 1, 256),
  REDIS_RECONNECT_MIN_MS("redisReconnectMinMs", "CHAT_REDIS_RECONNECT_MIN_MS", 10, 600_000),
  REDIS_RECONNECT_MAX_MS("redisReconnectMaxMs", "CHAT_REDIS_RECONNECT_MAX_MS", 10, 600_000),
  REDIS_PING_INTERVAL_MS("redisPingIntervalMs", "CHAT_REDIS_PING_INTERVAL_MS", 100, 600_000),
  REDIS_UNSUBSCRIBE_GRACE_SECONDS("redisUnsubscribeGraceSeconds", "CHAT_REDIS_UNSUBSCRIBE_GRACE_SECONDS", 0, 3600),
  REDIS_WAIT_REPLICAS("redisWaitReplicas", "CHAT_REDIS_WAIT_REPLICAS", 0, 16),
  REDIS_WAIT_TIMEOUT_MS("redisWaitTimeoutMs", "CHAT_REDIS_WAIT_TIMEOUT_MS", 10, 60_000),
  JWT_SECRET("jwtSecret", "CHAT_JWT_SECRET", Kind.SECRET),
  JWT_PUBLIC_KEY("jwtPublicKey", "CHAT_JWT_PUBLIC_KEY", Kind.STRING),
  JWT_REQUIRE_EXP("jwtRequireExp", "CHAT_JWT_REQUIRE_EXP", Kind.BOOLEAN),
  ALLOWED_ORIGINS("allowedOrigins", "CHAT_ALLOWED_ORIGINS", Kind.LIST),
  API_KEYS("apiKeys", "CHAT_API_KEYS", Kind.SECRET_LIST),
  TRUSTED_PROXIES("trustedProxies", "CHAT_TRUSTED_PROXIES", Kind.LIST),
  FORWARDED_HEADER("forwardedHeader", "CHAT_FORWARDED_HEADER", Kind.STRING),
  MAX_CONNECTIONS_PER_USER("maxConnectionsPerUser", "CHAT_MAX_CONNECTIONS_PER_USER", 1, 1_000_000),
  MAX_CONNECTIONS_PER_IP("maxConnectionsPerIp", "CHAT_MAX_CONNECTIONS_PER_IP", 1, 10_000_000),
  MAX_UPGRADES_PER_SECOND("maxUpgradesPerSecond", "CHAT_MAX_UPGRADES_PER_SECOND", 1, 1_000_000),
  MAX_UPGRADES_PER_IP_PER_SECOND("maxUpgradesPerIpPerSecond", "CHAT_MAX_UPGRADES_PER_IP_PER_SECOND", 1, 1_000_000),
  PING_INTERVAL_SECONDS("pingIntervalSeconds", "CHAT_PING_INTERVAL_SECONDS", 1, 3600),
  IDLE_TIMEOUT_SECONDS("idleTimeoutSeconds", "CHAT_IDLE_TIMEOUT_SECONDS", 2, 86_400),
  CLOSE_TIMEOUT_MS("closeTimeoutMs", "CHAT_CLOSE_TIMEOUT_MS", 100, 600_000),
  LOG_FORMAT("logFormat", "CHAT_LOG_FORMAT", Kind.STRING),
  LOG_LEVEL("logLevel", "CHAT_LOG_LEVEL", Kind.STRING),
  CONFIG_SCAN_SECONDS("configScanSeconds", "CHAT_CONFIG_SCAN_SECONDS", 1, 3600);

  /** How a setting's value is read. */
  public enum Kind {
    /** A whole number within the setting's bounds. */
    INT,
    /** Text, trimmed. */
    STRING,
    /** Text taken as it is, never logged. */
    SECRET,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Comma-separated values, trimmed, empty ones dropped. */
    LIST,
    /** A list whose values are secrets. */
    SECRET_LIST
  }

  /** The settings a running node applies when the mounted config file changes; the others need a restart. */
  public static final Set<Setting> LIVE = EnumSet.of(MAX_TEXT_LENGTH, MAX_ROOMS_PER_CONNECTION,
      MAX_PENDING_BYTES, WRITE_DELAY_MS, SEND_RATE_PER_SECOND, SEND_BURST, RATE_LIMIT_STRIKES, API_RATE_PER_SECOND,
      API_BURST, MAX_CONNECTIONS_PER_USER, MAX_CONNECTIONS_PER_IP, MAX_UPGRADES_PER_SECOND,
      MAX_UPGRADES_PER_IP_PER_SECOND, ALLOWED_ORIGINS, LOG_LEVEL, CLOSE_TIMEOUT_MS);

  /** The environment variable naming an optional config file (a mounted ConfigMap) that overrides the defaults. */
  public static final String CONFIG_FILE_ENV = "CHAT_CONFIG_FILE";

  private final String key;
  private final String env;
  private final Kind kind;
  private final long min;
  private final long max;

  Setting(String key, String env, Kind kind) {
    this.key = key;
    this.env = env;
    this.kind = kind;
    this.min = 0;
    this.max = 0;
  }

  Setting(String key, String env, long min, long max) {
    this.key = key;
    this.env = env;
    this.kind = Kind.INT;
    this.min = min;
    this.max = max;
  }

  public String key() {
    return key;
  }

  public String env() {
    return env;
  }

  public Kind kind() {
    return kind;
  }

  public boolean numeric() {
    return kind == Kind.INT;
  }

  public long min() {
    return min;
  }

  public long max() {
    return max;
  }

  /** A secret's value never appears in logs or config dumps. */
  public boolean secret() {
    return kind == Kind.SECRET || kind == Kind.SECRET_LIST;
  }

  /** "PORT (port)": how messages name a setting, so an operator finds it whichever way it was set. */
  public String label() {
    return env + " (" + key + ")";
  }

  /** The setting whose key is {@code key}, or null. */
  public static Setting ofKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }
}
