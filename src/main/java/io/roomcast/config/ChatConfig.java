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
 * The node's settings, validated once at start-up. Each component is named after its {@link Setting}'s key; units are
 * in the names; {@link Setting} declares each one and docs/configuration.md says what it does.
 *
 * @param port HTTP port; 0 picks a free port (shared by all gateway instances)
 * @param managementPort port of the health and metrics routes: -1 serves them on {@code port}, 0 on a free port
 * @param host interface to bind
 * @param nodeId this node's name in {@code welcome.node} and logs
 * @param gatewayInstances gateway verticle instances (event loops serving sockets)
 * @param maxFrameBytes largest accepted client frame or message, in bytes; larger ones close the socket with 1009
 * @param maxTextLength longest {@code send.text}, in Unicode code points
 * @param maxRoomsPerConnection rooms one connection may have joined at once
 * @param maxRooms rooms the broker holds at most
 * @param roomCreateQuota rooms one user may create per {@code roomCreateWindowSeconds}
 * @param roomCreateWindowSeconds the window of the room-creation quota
 * @param roomIdleExpirySeconds a room without members and messages for this long is deleted; 0: never
 * @param maxPendingBytes bytes queued for a client that does not read before it is closed with 4008
 * @param writeDelayMs how long what is written to a connection may wait, to go out together with what follows it in
 *     one write; 0: sent at the end of each event-loop batch
 * @param sendRatePerSecond token-bucket refill rate for a connection's requests
 * @param sendBurst token-bucket capacity for a connection's requests
 * @param rateLimitStrikes refused ({@code rate_limited}) requests tolerated in a burst before closing with 4029;
 *     one strike is forgiven per second
 * @param apiRatePerSecond token-bucket refill rate for one client address's HTTP API calls
 * @param apiBurst token-bucket capacity for one client address's HTTP API calls
 * @param historySize messages kept per room
 * @param historyMaxAgeSeconds how long a message is kept (for history and resume)
 * @param idempotencyWindowSeconds how long a {@code send.key} is remembered
 * @param bridgeTimeoutMs how long a gateway waits for the bridge before answering {@code unavailable}
 * @param drainSeconds on shutdown, the window over which connections are closed with 1012
 * @param presenceTtlSeconds how long a crashed node's presence entries outlive its last heartbeat (Redis)
 * @param redisUrl the Redis to share rooms through ({@code redis://host:port}); empty for the in-memory broker
 * @param redisMode how nodes share rooms through Redis: {@code pattern} (one pattern subscription: every node hears every
 *     room), {@code rooms} (a node subscribes to the rooms it serves) or {@code cluster} (a Redis Cluster, sharded
 *     pub/sub per room); see {@link RedisMode}
 * @param redisPrefix the first segment of every Redis key and channel
 * @param redisPoolSize pooled Redis connections for commands (the subscriber has its own)
 * @param redisReconnectMinMs the first pause before reconnecting the subscriber (doubling from there)
 * @param redisReconnectMaxMs the longest pause between attempts to reconnect the subscriber
 * @param redisPingIntervalMs how often the bridge checks that Redis answers
 * @param redisUnsubscribeGraceSeconds in the per-room modes, how long a node stays subscribed to a room after its last
 *     local member left (a member who comes back meanwhile costs no new subscription)
 * @param redisWaitReplicas how many replicas must hold a message before its sender is told it was stored (Redis
 *     {@code WAIT}); 0 acknowledges once the master has it
 * @param redisWaitTimeoutMs how long a send waits for those replicas before it is answered {@code unavailable}
 * @param jwtSecret HS256 secret; with it (or a public key) connections need a JWT
 * @param jwtPublicKey PEM public key (RSA for RS256, EC for ES256)
 * @param jwtRequireExp whether tokens without {@code exp} are refused
 * @param allowedOrigins exact origins allowed to open WebSockets; empty: no check
 * @param apiKeys keys that open the HTTP API in JWT mode
 * @param trustedProxies addresses or CIDR ranges of proxies whose {@code forwardedHeader} names the client
 * @param forwardedHeader the header the trusted proxies set, {@code x-forwarded-for} or {@code forwarded}; the other
 *     is never read (a client could set it)
 * @param maxConnectionsPerUser connections one user may hold across all nodes
 * @param maxConnectionsPerIp connections one client IP may hold on this node
 * @param maxUpgradesPerSecond WebSocket upgrades this node accepts per second (bursts of the same size)
 * @param maxUpgradesPerIpPerSecond WebSocket upgrades this node accepts per second from one client IP
 * @param pingIntervalSeconds how often the server pings each connection
 * @param idleTimeoutSeconds a connection that sends nothing (not even a pong) for this long is closed
 * @param closeTimeoutMs once the server decided to close a connection, how long the client has to complete the close
 *     handshake before the TCP connection is reset (what it did not read is discarded)
 * @param hookConnectUrl the `connect` hook's URL; empty: none
 * @param hookConnectTimeoutMs how long the `connect` hook may take
 * @param hookConnectPolicy {@code open} or {@code closed}: what a failure of the `connect` hook does
 * @param hookJoinUrl the `join` hook's URL; empty: none
 * @param hookJoinTimeoutMs how long the `join` hook may take
 * @param hookJoinPolicy {@code open} or {@code closed}: what a failure of the `join` hook does
 * @param hookSendUrl the `send` hook's URL; empty: none
 * @param hookSendTimeoutMs how long the `send` hook may take
 * @param hookSendPolicy {@code open} or {@code closed}: what a failure of the `send` hook does
 * @param hookBreakerFailures failures of a hook in a row that open its circuit breaker
 * @param hookBreakerResetMs how long an open breaker waits before a trial call
 * @param hookPoolSize keep-alive connections to a hook backend per gateway instance
 * @param hookMaxQueued a connection's requests that may wait behind its pending hook before it is no longer read
 * @param webhookUrl where events are POSTed; empty: no webhooks
 * @param webhookSecret {@code whsec_} + base64: signs webhooks and hook calls
 * @param webhookEvents the event types delivered; empty: all
 * @param webhookTimeoutMs how long one delivery attempt may take
 * @param webhookRetryMinMs the first retry's pause
 * @param webhookRetryMaxMs the longest pause between retries
 * @param webhookMaxAgeSeconds an event undelivered this long after it happened is dead
 * @param webhookDeadMax dead events kept
 * @param webhookConcurrency rooms delivered at once
 * @param webhookPollMs how often the delivering node looks for new events
 * @param webhookLeaseMs how long the delivering node's lease lasts without renewal (Redis)
 * @param logFormat {@code text} or {@code json}
 * @param logLevel root log level
 * @param configScanSeconds how often the mounted config file is checked for changes
 */
public record ChatConfig(
    int port,
    int managementPort,
    String host,
    String nodeId,
    int gatewayInstances,
    int maxFrameBytes,
    int maxTextLength,
    int maxRoomsPerConnection,
    int maxRooms,
    int roomCreateQuota,
    int roomCreateWindowSeconds,
    int roomIdleExpirySeconds,
    int maxPendingBytes,
    int writeDelayMs,
    int sendRatePerSecond,
    int sendBurst,
    int rateLimitStrikes,
    int apiRatePerSecond,
    int apiBurst,
    int historySize,
    int historyMaxAgeSeconds,
    int idempotencyWindowSeconds,
    int bridgeTimeoutMs,
    int drainSeconds,
    int presenceTtlSeconds,
    String redisUrl,
    String redisMode,
    String redisPrefix,
    int redisPoolSize,
    int redisReconnectMinMs,
    int redisReconnectMaxMs,
    int redisPingIntervalMs,
    int redisUnsubscribeGraceSeconds,
    int redisWaitReplicas,
    int redisWaitTimeoutMs,
    String jwtSecret,
    String jwtPublicKey,
    boolean jwtRequireExp,
    List<String> allowedOrigins,
    List<String> apiKeys,
    List<String> trustedProxies,
    String forwardedHeader,
    int maxConnectionsPerUser,
    int maxConnectionsPerIp,
    int maxUpgradesPerSecond,
    int maxUpgradesPerIpPerSecond,
    int pingIntervalSeconds,
    int idleTimeoutSeconds,
    int closeTimeoutMs,
    String hookConnectUrl,
    int hookConnectTimeoutMs,
    String hookConnectPolicy,
    String hookJoinUrl,
    int hookJoinTimeoutMs,
    String hookJoinPolicy,
    String hookSendUrl,
    int hookSendTimeoutMs,
    String hookSendPolicy,
    int hookBreakerFailures,
    int hookBreakerResetMs,
    int hookPoolSize,
    int hookMaxQueued,
    String webhookUrl,
    String webhookSecret,
    List<String> webhookEvents,
    int webhookTimeoutMs,
    int webhookRetryMinMs,
    int webhookRetryMaxMs,
    int webhookMaxAgeSeconds,
    int webhookDeadMax,
    int webhookConcurrency,
    int webhookPollMs,
    int webhookLeaseMs,
    String logFormat,
    String logLevel,
    int configScanSeconds) {

  private static final Set<String> KNOWN_KEYS =
      Stream.of(Setting.values()).flatMap(s -> Stream.of(s.key(), s.env())).collect(Collectors.toUnmodifiableSet());
  private static final RecordComponent[] COMPONENTS = ChatConfig.class.getRecordComponents();
  /** The node id a node gets when none is configured: chosen once per process, so a config reload keeps it. */
  private static final String DEFAULT_NODE_ID = defaultNodeId();

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
      v.put(s, value(s, raw));
    }
    if (((String) v.get(Setting.HOST)).isEmpty()) {
      throw new ConfigException(Setting.HOST.label() + " must not be empty");
    }
    String nodeId = (String) v.get(Setting.NODE_ID);
    if (nodeId.isEmpty()) {
      v.put(Setting.NODE_ID, DEFAULT_NODE_ID);
    } else if (!nodeId.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new ConfigException(Setting.NODE_ID.label() + " must be 1 to 64 letters, digits, '_', '.' or '-'");
    }
    RedisMode mode = RedisMode.parse((String) v.get(Setting.REDIS_MODE));
    if (mode == null) {
      throw new ConfigException(Setting.REDIS_MODE.label() + " must be pattern, rooms or cluster");
    }
    v.put(Setting.REDIS_MODE, mode.label());
    String redisUrl = (String) v.get(Setting.REDIS_URL);
    List<String> urls = list(redisUrl);
    for (String url : urls) {
      if (!url.matches("(redis|rediss|unix)://.+")) {
        throw new ConfigException(Setting.REDIS_URL.label() + " must be a redis:// (or rediss://, unix://) URL");
      }
    }
    if (urls.size() > 1 && mode != RedisMode.CLUSTER) {
      throw new ConfigException(Setting.REDIS_URL.label() + " names several servers: that needs "
          + Setting.REDIS_MODE.label() + " = cluster (a standalone Redis has one URL)");
    }
    String prefix = (String) v.get(Setting.REDIS_PREFIX);
    if (!prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new ConfigException(Setting.REDIS_PREFIX.label() + " must be 1 to 32 letters, digits, '_', '.' or '-'");
    }
    if ((int) v.get(Setting.REDIS_WAIT_REPLICAS) > 0
        && (int) v.get(Setting.REDIS_WAIT_TIMEOUT_MS) >= (int) v.get(Setting.BRIDGE_TIMEOUT_MS)) {
      throw new ConfigException(Setting.REDIS_WAIT_TIMEOUT_MS.label() + " must be shorter than "
          + Setting.BRIDGE_TIMEOUT_MS.label() + " (a send waits for its replicas within the bridge's answer)");
    }
    String jwtPublicKey = (String) v.get(Setting.JWT_PUBLIC_KEY);
    if (!jwtPublicKey.isEmpty() && !jwtPublicKey.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException(Setting.JWT_PUBLIC_KEY.label() + " must be a PEM public key (BEGIN PUBLIC KEY)");
    }
    for (Object o : (List<?>) v.get(Setting.ALLOWED_ORIGINS)) {
      if (!o.toString().matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw new ConfigException(Setting.ALLOWED_ORIGINS.label() + " entries are scheme://host[:port], got '" + o + "'");
      }
    }
    for (Object o : (List<?>) v.get(Setting.TRUSTED_PROXIES)) {
      if (!AddressRange.isValid(o.toString())) {
        throw new ConfigException(Setting.TRUSTED_PROXIES.label()
            + " entries are IP addresses or CIDR ranges (10.0.0.0/8, fd00::/8), got '" + o + "'");
      }
    }
    String forwardedHeader = ((String) v.get(Setting.FORWARDED_HEADER)).toLowerCase(java.util.Locale.ROOT);
    if (!forwardedHeader.equals("x-forwarded-for") && !forwardedHeader.equals("forwarded")) {
      throw new ConfigException(Setting.FORWARDED_HEADER.label() + " must be x-forwarded-for or forwarded");
    }
    v.put(Setting.FORWARDED_HEADER, forwardedHeader);
    validateHooks(v);
    String logFormat = (String) v.get(Setting.LOG_FORMAT);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException(Setting.LOG_FORMAT.label() + " must be text or json");
    }
    String logLevel = ((String) v.get(Setting.LOG_LEVEL)).toUpperCase(java.util.Locale.ROOT);
    if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(logLevel)) {
      throw new ConfigException(Setting.LOG_LEVEL.label() + " must be TRACE, DEBUG, INFO, WARN or ERROR");
    }
    v.put(Setting.LOG_LEVEL, logLevel);
    if ((int) v.get(Setting.GATEWAY_INSTANCES) == 0) {
      v.put(Setting.GATEWAY_INSTANCES, Runtime.getRuntime().availableProcessors());
    }
    return build(c -> v.get(Setting.ofKey(c.getName())));
  }

  /** The hooks' and webhooks' URLs, policies, event types and secret. */
  private static void validateHooks(Map<Setting, Object> v) {
    boolean signed = false;
    for (Setting url : List.of(Setting.HOOK_CONNECT_URL, Setting.HOOK_JOIN_URL, Setting.HOOK_SEND_URL,
        Setting.WEBHOOK_URL)) {
      String value = (String) v.get(url);
      if (!value.isEmpty() && !value.matches("https?://[^\\s/?#]+[^\\s]*")) {
        throw new ConfigException(url.label() + " must be an http:// or https:// URL, got '" + value + "'");
      }
      signed |= !value.isEmpty();
    }
    for (Setting policy : List.of(Setting.HOOK_CONNECT_POLICY, Setting.HOOK_JOIN_POLICY, Setting.HOOK_SEND_POLICY)) {
      String value = ((String) v.get(policy)).toLowerCase(java.util.Locale.ROOT);
      if (!value.equals("open") && !value.equals("closed")) {
        throw new ConfigException(policy.label() + " must be open or closed, got '" + value + "'");
      }
      v.put(policy, value);
    }
    for (Object type : (List<?>) v.get(Setting.WEBHOOK_EVENTS)) {
      if (!WebhookSettings.TYPES.contains(type.toString())) {
        throw new ConfigException(Setting.WEBHOOK_EVENTS.label() + " lists '" + type + "': the types are "
            + String.join(", ", WebhookSettings.TYPES));
      }
    }
    if ((int) v.get(Setting.WEBHOOK_RETRY_MIN_MS) > (int) v.get(Setting.WEBHOOK_RETRY_MAX_MS)) {
      throw new ConfigException(Setting.WEBHOOK_RETRY_MIN_MS.label() + " must not exceed "
          + Setting.WEBHOOK_RETRY_MAX_MS.label());
    }
    String secret = (String) v.get(Setting.WEBHOOK_SECRET);
    if (!secret.isEmpty() && secretBytes(secret) == null) {
      throw new ConfigException(Setting.WEBHOOK_SECRET.label() + " must be whsec_ followed by the base64 of at least "
          + "16 bytes");
    }
    if (signed && secret.isEmpty()) {
      throw new ConfigException(Setting.WEBHOOK_SECRET.label() + " is needed: hooks and webhooks are signed with it");
    }
  }

  /** The key of a {@code whsec_...} secret, or null when it is not one (or shorter than 16 bytes). */
  static byte[] secretBytes(String secret) {
    if (!secret.startsWith("whsec_")) {
      return null;
    }
    try {
      byte[] key = java.util.Base64.getDecoder().decode(secret.substring("whsec_".length()));
      return key.length >= 16 ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A config whose components come from {@code values}, in the record's order. */
  private static ChatConfig build(java.util.function.Function<RecordComponent, Object> values) {
    Object[] args = new Object[COMPONENTS.length];
    Class<?>[] types = new Class<?>[COMPONENTS.length];
    for (int i = 0; i < COMPONENTS.length; i++) {
      args[i] = values.apply(COMPONENTS[i]);
      types[i] = COMPONENTS[i].getType();
    }
    try {
      return ChatConfig.class.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object get(RecordComponent c) {
    try {
      return c.getAccessor().invoke(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Redis broker's connection settings (meaningful when {@link #usesRedis}). */
  public RedisSettings redisSettings() {
    return new RedisSettings(redisUrls(), redisUrlForLogs(), redisTopology(), redisPrefix, redisPoolSize,
        redisReconnectMinMs, redisReconnectMaxMs, redisPingIntervalMs, redisUnsubscribeGraceSeconds, redisWaitReplicas,
        redisWaitTimeoutMs);
  }

  /** What the brokers keep of rooms and messages. */
  public RoomSettings roomSettings() {
    return new RoomSettings(maxRooms, roomCreateQuota, roomCreateWindowSeconds, roomIdleExpirySeconds, historySize,
        historyMaxAgeSeconds, idempotencyWindowSeconds);
  }

  /** Who may connect and call the API. */
  public AuthSettings authSettings() {
    return new AuthSettings(jwtSecret, jwtPublicKey, jwtRequireExp, apiKeys);
  }

  /** What the brokers know of their node. */
  public NodeSettings nodeSettings() {
    return new NodeSettings(nodeId, bridgeTimeoutMs, presenceTtlSeconds);
  }

  /** What a gateway instance takes (live settings included: made afresh on a change). */
  public GatewaySettings gatewaySettings() {
    return new GatewaySettings(host, separateManagementPort(), allowedOrigins, trustedProxies, forwardedHeader,
        maxConnectionsPerIp, maxConnectionsPerUser, pingIntervalSeconds, idleTimeoutSeconds, writeDelayMs,
        bridgeTimeoutMs, sessionLimits(), authSettings(), hookSettings());
  }

  /** The hooks a gateway asks, and how it calls them. */
  public HookSettings hookSettings() {
    return new HookSettings(
        new HookSettings.Hook("connect", hookConnectUrl, hookConnectTimeoutMs, hookConnectPolicy.equals("open")),
        new HookSettings.Hook("join", hookJoinUrl, hookJoinTimeoutMs, hookJoinPolicy.equals("open")),
        new HookSettings.Hook("send", hookSendUrl, hookSendTimeoutMs, hookSendPolicy.equals("open")),
        signingKey(), hookBreakerFailures, hookBreakerResetMs, hookPoolSize, hookMaxQueued, nodeId,
        !webhookUrl.isEmpty());
  }

  /** Where and how events are delivered. */
  public WebhookSettings webhookSettings() {
    return new WebhookSettings(webhookUrl, signingKey(),
        java.util.Set.copyOf(webhookEvents.isEmpty() ? WebhookSettings.TYPES : webhookEvents), webhookTimeoutMs,
        webhookRetryMinMs, webhookRetryMaxMs, webhookMaxAgeSeconds, webhookDeadMax, webhookConcurrency,
        webhookPollMs, webhookLeaseMs, nodeId);
  }

  private byte[] signingKey() {
    return webhookSecret.isEmpty() ? new byte[0] : secretBytes(webhookSecret);
  }

  /** A connection's (live) limits. */
  public SessionLimits sessionLimits() {
    return new SessionLimits(maxFrameBytes, maxTextLength, maxRoomsPerConnection, maxPendingBytes, sendRatePerSecond,
        sendBurst, rateLimitStrikes, closeTimeoutMs, nodeId);
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
    return build(c -> Setting.LIVE.contains(Setting.ofKey(c.getName())) ? next.get(c) : get(c));
  }

  /** The keys whose values differ between this config and {@code other}. */
  public List<String> differences(ChatConfig other) {
    List<String> changed = new java.util.ArrayList<>();
    for (RecordComponent c : COMPONENTS) {
      if (!java.util.Objects.equals(get(c), other.get(c))) {
        changed.add(c.getName());
      }
    }
    return changed;
  }

  /** Every setting and its value, secrets masked: what start-up logs. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (RecordComponent c : COMPONENTS) {
      Object value = get(c);
      if (Setting.ofKey(c.getName()).secret()) {
        value = value.toString().isEmpty() || "[]".equals(value.toString()) ? "(unset)" : "(set, masked)";
      } else if (c.getName().equals("redisUrl")) {
        value = redisUrlForLogs();
      } else if (c.getName().endsWith("Url") && !value.toString().isEmpty()) {
        value = urlForLogs(value.toString());
      } else if (c.getName().equals("jwtPublicKey")) {
        value = jwtPublicKey.isEmpty() ? "(unset)" : "(PEM)";
      }
      sb.append(sb.length() == 0 ? "" : ", ").append(c.getName()).append('=').append(value);
    }
    return sb.toString();
  }

  /** Whether the health and metrics routes have a port of their own. */
  public boolean separateManagementPort() {
    return managementPort >= 0;
  }

  private static List<String> list(String commaSeparated) {
    return Stream.of(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  /** True when rooms are shared through Redis, false for the single-node in-memory broker. */
  public boolean usesRedis() {
    return !redisUrl.isEmpty();
  }

  /** How nodes share rooms through Redis (meaningful when {@link #usesRedis}). */
  public RedisMode redisTopology() {
    return RedisMode.parse(redisMode);
  }

  /** The Redis URLs: one for a standalone Redis, the seed nodes of a Redis Cluster. */
  public List<String> redisUrls() {
    return list(redisUrl);
  }

  /** A hook's or webhook's URL for logs: credentials and the query (which may hold a token) masked. */
  public static String urlForLogs(String url) {
    return url.replaceAll("//[^@/]*@", "//***@").replaceAll("\\?.*$", "?***");
  }

  /** The Redis URL with any password replaced, for logs. */
  public String redisUrlForLogs() {
    return redisUrl.replaceAll("//[^@/]*@", "//***@");
  }

  private static Object value(Setting s, Object raw) {
    return switch (s.kind()) {
      case INT -> integer(s, raw);
      case STRING -> raw.toString().trim();
      case SECRET -> raw.toString();
      case LIST, SECRET_LIST -> list(raw.toString());
      case BOOLEAN -> {
        String b = raw.toString().trim();
        if (!b.equals("true") && !b.equals("false")) {
          throw new ConfigException(s.label() + " must be true or false, got '" + raw + "'");
        }
        yield Boolean.parseBoolean(b);
      }
    };
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
