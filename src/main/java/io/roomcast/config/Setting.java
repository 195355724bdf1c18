package io.roomcast.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every setting, declared once: its key in the JSON config files (also the name of its {@link ChatConfig} component),
 * its environment variable, its kind and bounds, its default, whether a running node applies it live, and what it
 * does. {@code conf/config.json} (the defaults) and the configuration table of docs/configuration.md are made from
 * this ({@link SettingsDoc}) and checked byte for byte against it (DocumentedSettingsTest).
 */
public enum Setting {
  PORT("port", "PORT", 0, 65535, 8080, Apply.RESTART,
      "HTTP port; `0` picks a free port"),
  MANAGEMENT_PORT("managementPort", "CHAT_MANAGEMENT_PORT", -1, 65535, -1, Apply.RESTART,
      "port of `/health/*` and `/metrics`: `-1` serves them on `PORT` (local use), `0` on a free port, any "
      + "other number on that port, and then `PORT` serves only the WebSocket, the HTTP API and the page (the "
      + "Kubernetes manifests use `9090`, which no Ingress routes)"),
  HOST("host", "CHAT_HOST", Kind.STRING, "0.0.0.0", Apply.RESTART,
      "interface to bind"),
  NODE_ID("nodeId", "CHAT_NODE_ID", Kind.STRING, "", Apply.RESTART,
      "this node's name (`welcome.node`, logs); 1–64 of `A-Za-z0-9_.-`; empty: `$HOSTNAME`, else random"),
  GATEWAY_INSTANCES("gatewayInstances", "CHAT_GATEWAY_INSTANCES", 0, 256, 0, Apply.RESTART,
      "gateway verticle instances; `0`: one per CPU core"),
  MAX_FRAME_BYTES("maxFrameBytes", "CHAT_MAX_FRAME_BYTES", 1024, 16 * 1024 * 1024, 65536, Apply.RESTART,
      "largest client message in bytes (one frame or the sum of its fragments); larger closes with 1009. A "
      + "frame announced beyond 4× this is refused from its header (1009), none of it read"),
  MAX_TEXT_LENGTH("maxTextLength", "CHAT_MAX_TEXT_LENGTH", 1, 1_000_000, 4000, Apply.LIVE,
      "longest `send.text`, in Unicode code points"),
  MAX_ROOMS_PER_CONNECTION("maxRoomsPerConnection", "CHAT_MAX_ROOMS_PER_CONNECTION", 1, 100_000, 100, Apply.LIVE,
      "rooms one connection may have joined at once"),
  MAX_ROOMS("maxRooms", "CHAT_MAX_ROOMS", 1, 100_000_000, 10000, Apply.RESTART,
      "rooms the broker holds at most (all nodes together, with Redis)"),
  ROOM_CREATE_QUOTA("roomCreateQuota", "CHAT_ROOM_CREATE_QUOTA", 1, 100_000_000, 20, Apply.RESTART,
      "rooms one user may create (by `create`, `join` or an API post) per `roomCreateWindowSeconds`; more are "
      + "refused with `rate_limited`"),
  ROOM_CREATE_WINDOW_SECONDS("roomCreateWindowSeconds", "CHAT_ROOM_CREATE_WINDOW_SECONDS",
      1, 365L * 24 * 3600, 3600, Apply.RESTART,
      "the window of the room-creation quota"),
  ROOM_IDLE_EXPIRY_SECONDS("roomIdleExpirySeconds", "CHAT_ROOM_IDLE_EXPIRY_SECONDS",
      0, 10L * 365 * 24 * 3600, 604800, Apply.RESTART,
      "a room with no members and no new message for this long is deleted, with its history, and every client "
      + "gets a `room` event with `event: \"deleted\"`; `0`: rooms are never deleted"),
  MAX_PENDING_BYTES("maxPendingBytes", "CHAT_MAX_PENDING_BYTES", 4096, 1L << 30, 1048576, Apply.LIVE,
      "bytes that may wait for a client that does not read: from half of it on, typing events are dropped; "
      + "beyond it, the connection is closed with 4008"),
  WRITE_DELAY_MS("writeDelayMs", "CHAT_WRITE_DELAY_MS", 0, 1000, 0, Apply.LIVE,
      "how long (0-1000 ms) frames for a connection may wait so that what follows within that time goes out in "
      + "the same write: fewer system calls and TCP segments when connections get many messages a second, for up "
      + "to that much more latency on every event and reply; `0` writes at the end of each event-loop batch. See "
      + "[performance.md](performance.md) (\"Trading latency for CPU\")"),
  SEND_RATE_PER_SECOND("sendRatePerSecond", "CHAT_SEND_RATE_PER_SECOND", 1, 1_000_000, 20, Apply.LIVE,
      "per-connection token bucket refill rate (requests per second)"),
  SEND_BURST("sendBurst", "CHAT_SEND_BURST", 1, 1_000_000, 50, Apply.LIVE,
      "per-connection token bucket capacity (burst)"),
  RATE_LIMIT_STRIKES("rateLimitStrikes", "CHAT_RATE_LIMIT_STRIKES", 1, 1_000_000, 10, Apply.LIVE,
      "`rate_limited` refusals tolerated in a burst (one forgiven per second) before closing with 4029"),
  API_RATE_PER_SECOND("apiRatePerSecond", "CHAT_API_RATE_PER_SECOND", 1, 1_000_000, 20, Apply.LIVE,
      "HTTP API calls per second from one client address (token-bucket refill); more get 429 `rate_limited`"),
  API_BURST("apiBurst", "CHAT_API_BURST", 1, 1_000_000, 50, Apply.LIVE,
      "HTTP API calls one client address may make in a burst"),
  HISTORY_SIZE("historySize", "CHAT_HISTORY_SIZE", 1, 10_000_000, 1000, Apply.RESTART,
      "messages kept per room (for `history` and resume)"),
  HISTORY_MAX_AGE_SECONDS("historyMaxAgeSeconds", "CHAT_HISTORY_MAX_AGE_SECONDS",
      1, 365L * 24 * 3600, 86400, Apply.RESTART,
      "messages older than this leave the history and cannot be resumed from"),
  IDEMPOTENCY_WINDOW_SECONDS("idempotencyWindowSeconds", "CHAT_IDEMPOTENCY_WINDOW_SECONDS",
      1, 7 * 24 * 3600, 600, Apply.RESTART,
      "how long a `send.key` is remembered"),
  BRIDGE_TIMEOUT_MS("bridgeTimeoutMs", "CHAT_BRIDGE_TIMEOUT_MS", 100, 60_000, 2000, Apply.RESTART,
      "how long a gateway waits for the broker before answering `unavailable` (also bounds `/health/ready`); "
      + "waiting requests are timed out together, so one fails up to a tenth of this later (at most 100 ms)"),
  DRAIN_SECONDS("drainSeconds", "CHAT_DRAIN_SECONDS", 0, 600, 10, Apply.RESTART,
      "on SIGTERM, the window over which connections are closed with 1012 (keep below the grace period)"),
  PRESENCE_TTL_SECONDS("presenceTtlSeconds", "CHAT_PRESENCE_TTL_SECONDS", 2, 3600, 30, Apply.RESTART,
      "with Redis: how long a crashed node's users stay listed (its heartbeat TTL)"),
  REDIS_URL("redisUrl", "REDIS_URL", Kind.STRING, "", Apply.RESTART,
      "Redis to share rooms through (`redis://[:password@]host:port[/db]`; in cluster mode a comma-separated "
      + "list of seed nodes); empty: single node, in-memory broker"),
  REDIS_MODE("redisMode", "CHAT_REDIS_MODE", Kind.STRING, "pattern", Apply.RESTART,
      "`pattern`, `rooms` or `cluster`: how nodes share rooms through Redis ([redis.md](redis.md), \"Modes\")"),
  REDIS_PREFIX("redisPrefix", "CHAT_REDIS_PREFIX", Kind.STRING, "chat", Apply.RESTART,
      "first segment of every Redis key and channel"),
  REDIS_POOL_SIZE("redisPoolSize", "CHAT_REDIS_POOL_SIZE", 1, 256, 8, Apply.RESTART,
      "pooled Redis connections for commands (the subscriber has its own)"),
  REDIS_RECONNECT_MIN_MS("redisReconnectMinMs", "CHAT_REDIS_RECONNECT_MIN_MS", 10, 600_000, 100, Apply.RESTART,
      "first pause before reconnecting the subscriber (doubling, with jitter)"),
  REDIS_RECONNECT_MAX_MS("redisReconnectMaxMs", "CHAT_REDIS_RECONNECT_MAX_MS", 10, 600_000, 5000, Apply.RESTART,
      "longest pause between attempts to reconnect the subscriber"),
  REDIS_PING_INTERVAL_MS("redisPingIntervalMs", "CHAT_REDIS_PING_INTERVAL_MS", 100, 600_000, 1000, Apply.RESTART,
      "how often the node checks that Redis answers (a missed answer makes it not ready; in cluster mode every "
      + "master is PINGed)"),
  REDIS_UNSUBSCRIBE_GRACE_SECONDS("redisUnsubscribeGraceSeconds", "CHAT_REDIS_UNSUBSCRIBE_GRACE_SECONDS",
      0, 3600, 5, Apply.RESTART,
      "per-room modes: how long a node keeps a room's subscription after its last local member left (a "
      + "reconnecting member costs no new subscription)"),
  REDIS_WAIT_REPLICAS("redisWaitReplicas", "CHAT_REDIS_WAIT_REPLICAS", 0, 16, 0, Apply.RESTART,
      "how many Redis replicas must hold a message before its sender gets `ok` (Redis `WAIT` after the store, "
      + "on the same connection); 0: `ok` once the master has it. Keep it below the replicas each master has: a "
      + "master with fewer live replicas refuses every send (`unavailable`) until they are back"),
  REDIS_WAIT_TIMEOUT_MS("redisWaitTimeoutMs", "CHAT_REDIS_WAIT_TIMEOUT_MS", 10, 60_000, 1000, Apply.RESTART,
      "how long a send waits for those replicas; then it is answered `unavailable` (the message may already "
      + "have gone out; a retry with the same `key` returns its id). With waiting on, it must be shorter than "
      + "`bridgeTimeoutMs`"),
  JWT_SECRET("jwtSecret", "CHAT_JWT_SECRET", Kind.SECRET, "", Apply.RESTART,
      "HS256 secret: setting it (or a public key) turns JWT mode on. Secret: never logged"),
  JWT_PUBLIC_KEY("jwtPublicKey", "CHAT_JWT_PUBLIC_KEY", Kind.STRING, "", Apply.RESTART,
      "PEM public key (`BEGIN PUBLIC KEY`): RS256 for an RSA key, ES256 for an EC key; turns JWT mode on"),
  JWT_REQUIRE_EXP("jwtRequireExp", "CHAT_JWT_REQUIRE_EXP", Kind.BOOLEAN, true, Apply.RESTART,
      "refuse tokens without an `exp` claim (401); `false` accepts them, and such a connection never expires"),
  ALLOWED_ORIGINS("allowedOrigins", "CHAT_ALLOWED_ORIGINS", Kind.LIST, "", Apply.LIVE,
      "comma-separated exact origins (`https://chat.example.com`) allowed to open WebSockets; empty: no check"),
  API_KEYS("apiKeys", "CHAT_API_KEYS", Kind.SECRET_LIST, "", Apply.RESTART,
      "comma-separated keys for the HTTP API in JWT mode (`Authorization: Bearer KEY`). Secret: never logged"),
  TRUSTED_PROXIES("trustedProxies", "CHAT_TRUSTED_PROXIES", Kind.LIST, "", Apply.RESTART,
      "comma-separated addresses or CIDR ranges of reverse proxies (the Ingress controller's pods); for a "
      + "request from one of them, the client address is the nearest address in the `forwardedHeader` header that"
      + " is not itself trusted; for any other request, the socket's peer"),
  FORWARDED_HEADER("forwardedHeader", "CHAT_FORWARDED_HEADER", Kind.STRING, "x-forwarded-for", Apply.RESTART,
      "the header the trusted proxies set: `x-forwarded-for` (ingress-nginx, most load balancers) or "
      + "`forwarded` (RFC 7239). Only that one is read; the other is ignored even from a trusted proxy, since a "
      + "proxy passes on what a client sent in a header it does not set itself. The proxy must append to (or "
      + "replace) the header, as ingress-nginx does"),
  MAX_CONNECTIONS_PER_USER("maxConnectionsPerUser", "CHAT_MAX_CONNECTIONS_PER_USER", 1, 1_000_000, 20, Apply.LIVE,
      "connections one user may hold across all nodes; more are refused with HTTP 429"),
  MAX_CONNECTIONS_PER_IP("maxConnectionsPerIp", "CHAT_MAX_CONNECTIONS_PER_IP", 1, 10_000_000, 200, Apply.LIVE,
      "connections one client IP may hold on one node; more are refused with HTTP 429"),
  MAX_UPGRADES_PER_SECOND("maxUpgradesPerSecond", "CHAT_MAX_UPGRADES_PER_SECOND", 1, 1_000_000, 200, Apply.LIVE,
      "WebSocket upgrades one node accepts per second (bursts of as many); more get HTTP 429"),
  MAX_UPGRADES_PER_IP_PER_SECOND("maxUpgradesPerIpPerSecond", "CHAT_MAX_UPGRADES_PER_IP_PER_SECOND",
      1, 1_000_000, 20, Apply.LIVE,
      "WebSocket upgrades one node accepts per second from one client address (bursts of as many); more get "
      + "HTTP 429"),
  PING_INTERVAL_SECONDS("pingIntervalSeconds", "CHAT_PING_INTERVAL_SECONDS", 1, 3600, 25, Apply.RESTART,
      "how often the server sends a WebSocket ping to each connection"),
  IDLE_TIMEOUT_SECONDS("idleTimeoutSeconds", "CHAT_IDLE_TIMEOUT_SECONDS", 2, 86_400, 60, Apply.RESTART,
      "a WebSocket that sends nothing, not even a pong, for this long is closed with 1001; an HTTP connection "
      + "with no traffic at all (a half-sent request) is dropped after it too"),
  CLOSE_TIMEOUT_MS("closeTimeoutMs", "CHAT_CLOSE_TIMEOUT_MS", 100, 600_000, 5000, Apply.LIVE,
      "once the server decides to close a connection (any close code: 4008, 1001, 1012, 4001, 4029, 1009, ...),"
      + " the client has this long to complete the close handshake; then the TCP connection is reset, discarding "
      + "what the client did not read, and its slot of the per-address and per-user limits is free. Replies to "
      + "requests already accepted go out first if they come within it"),
  HOOK_CONNECT_URL("hookConnectUrl", "CHAT_HOOK_CONNECT_URL", Kind.STRING, "", Apply.LIVE,
      "the `connect` hook: URL the node POSTs to before it lets a WebSocket upgrade happen ([hooks.md](hooks.md)); a refusal is "
      + "HTTP 403 with the backend's reason; empty: no hook"),
  HOOK_CONNECT_TIMEOUT_MS("hookConnectTimeoutMs", "CHAT_HOOK_CONNECT_TIMEOUT_MS", 10, 60_000, 1000, Apply.LIVE,
      "how long the `connect` hook may take; later counts as a failure"),
  HOOK_CONNECT_POLICY("hookConnectPolicy", "CHAT_HOOK_CONNECT_POLICY", Kind.STRING, "closed", Apply.LIVE,
      "what a failure of the `connect` hook (timeout, unreachable, an answer other than 200 with JSON `allow`, an open "
      + "circuit) does: `closed` refuses with `unavailable` (HTTP 503), `open` lets it happen"),
  HOOK_JOIN_URL("hookJoinUrl", "CHAT_HOOK_JOIN_URL", Kind.STRING, "", Apply.LIVE,
      "the `join` hook: URL the node POSTs to before it lets a `join` happen ([hooks.md](hooks.md)); a refusal is "
      + "`forbidden` with the backend's reason; empty: no hook"),
  HOOK_JOIN_TIMEOUT_MS("hookJoinTimeoutMs", "CHAT_HOOK_JOIN_TIMEOUT_MS", 10, 60_000, 1000, Apply.LIVE,
      "how long the `join` hook may take; later counts as a failure"),
  HOOK_JOIN_POLICY("hookJoinPolicy", "CHAT_HOOK_JOIN_POLICY", Kind.STRING, "closed", Apply.LIVE,
      "what a failure of the `join` hook (timeout, unreachable, an answer other than 200 with JSON `allow`, an open "
      + "circuit) does: `closed` refuses with `unavailable`, `open` lets it happen"),
  HOOK_SEND_URL("hookSendUrl", "CHAT_HOOK_SEND_URL", Kind.STRING, "", Apply.LIVE,
      "the `send` hook: URL the node POSTs to before it lets a `send` happen ([hooks.md](hooks.md)); a refusal is "
      + "`forbidden` with the backend's reason; its answer may replace the text; empty: no hook"),
  HOOK_SEND_TIMEOUT_MS("hookSendTimeoutMs", "CHAT_HOOK_SEND_TIMEOUT_MS", 10, 60_000, 1000, Apply.LIVE,
      "how long the `send` hook may take; later counts as a failure"),
  HOOK_SEND_POLICY("hookSendPolicy", "CHAT_HOOK_SEND_POLICY", Kind.STRING, "closed", Apply.LIVE,
      "what a failure of the `send` hook (timeout, unreachable, an answer other than 200 with JSON `allow`, an open "
      + "circuit) does: `closed` refuses with `unavailable`, `open` lets it happen"),
  HOOK_BREAKER_FAILURES("hookBreakerFailures", "CHAT_HOOK_BREAKER_FAILURES", 1, 1_000_000, 5, Apply.RESTART,
      "failures of one hook in a row that open its circuit breaker: while open, calls fail at once (the policy "
      + "decides) instead of waiting for a backend that is down"),
  HOOK_BREAKER_RESET_MS("hookBreakerResetMs", "CHAT_HOOK_BREAKER_RESET_MS", 100, 600_000, 5000, Apply.RESTART,
      "how long an open circuit breaker waits before it lets one trial call through (half open)"),
  HOOK_POOL_SIZE("hookPoolSize", "CHAT_HOOK_POOL_SIZE", 1, 10_000, 32, Apply.RESTART,
      "keep-alive connections to a hook backend, per gateway instance"),
  HOOK_MAX_QUEUED("hookMaxQueued", "CHAT_HOOK_MAX_QUEUED", 1, 100_000, 64, Apply.LIVE,
      "a connection's requests that may wait behind one of its hooks (they keep their order); beyond it the "
      + "connection is not read until they are served"),
  WEBHOOK_URL("webhookUrl", "CHAT_WEBHOOK_URL", Kind.STRING, "", Apply.RESTART,
      "URL the node POSTs events to, signed, at least once and in order per room ([hooks.md](hooks.md)); empty: "
      + "no webhooks (no event is recorded)"),
  WEBHOOK_SECRET("webhookSecret", "CHAT_WEBHOOK_SECRET", Kind.SECRET, "", Apply.RESTART,
      "`whsec_` followed by base64 (at least 16 bytes): the key that signs webhooks and hook calls (Standard "
      + "Webhooks); needed when a hook or `webhookUrl` is set. Secret: never logged"),
  WEBHOOK_EVENTS("webhookEvents", "CHAT_WEBHOOK_EVENTS", Kind.LIST, "", Apply.RESTART,
      "comma-separated event types to deliver (`message.created`, `message.deleted`, `room.created`, "
      + "`room.deleted`, `member.joined`, `member.left`, `member.removed`); empty: all of them"),
  WEBHOOK_TIMEOUT_MS("webhookTimeoutMs", "CHAT_WEBHOOK_TIMEOUT_MS", 10, 600_000, 5000, Apply.RESTART,
      "how long one delivery attempt may take; later counts as a failure and is retried"),
  WEBHOOK_RETRY_MIN_MS("webhookRetryMinMs", "CHAT_WEBHOOK_RETRY_MIN_MS", 10, 3_600_000, 1000, Apply.RESTART,
      "pause before the first retry of an event; each further one doubles it, with jitter"),
  WEBHOOK_RETRY_MAX_MS("webhookRetryMaxMs", "CHAT_WEBHOOK_RETRY_MAX_MS", 10, 86_400_000, 300000, Apply.RESTART,
      "longest pause between retries of an event"),
  WEBHOOK_MAX_AGE_SECONDS("webhookMaxAgeSeconds", "CHAT_WEBHOOK_MAX_AGE_SECONDS", 1, 30L * 24 * 3600, 86400,
      Apply.RESTART,
      "an event not delivered this long after it happened is dead: set aside (listed and replayed by the API), "
      + "counted and logged, and the room's next events go on"),
  WEBHOOK_DEAD_MAX("webhookDeadMax", "CHAT_WEBHOOK_DEAD_MAX", 0, 10_000_000, 10000, Apply.RESTART,
      "dead events kept for listing and replay; older ones are dropped"),
  WEBHOOK_CONCURRENCY("webhookConcurrency", "CHAT_WEBHOOK_CONCURRENCY", 1, 10_000, 32, Apply.RESTART,
      "rooms whose events the delivering node sends at once (one request at a time per room, to keep the order)"),
  WEBHOOK_POLL_MS("webhookPollMs", "CHAT_WEBHOOK_POLL_MS", 10, 60_000, 200, Apply.RESTART,
      "how often the delivering node looks for rooms with new events"),
  WEBHOOK_LEASE_MS("webhookLeaseMs", "CHAT_WEBHOOK_LEASE_MS", 1000, 600_000, 10000, Apply.RESTART,
      "with Redis: one node delivers at a time, holding a lease it renews; another node takes over this long "
      + "after the holder stopped (crashed or partitioned)"),
  LOG_FORMAT("logFormat", "CHAT_LOG_FORMAT", Kind.STRING, "text", Apply.RESTART,
      "`text` or `json` (one object per line)"),
  LOG_LEVEL("logLevel", "CHAT_LOG_LEVEL", Kind.STRING, "INFO", Apply.LIVE,
      "root log level (`TRACE` … `ERROR`)"),
  CONFIG_SCAN_SECONDS("configScanSeconds", "CHAT_CONFIG_SCAN_SECONDS", 1, 3600, 5, Apply.RESTART,
      "how often the mounted config file is checked for changes");

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
  public static final Set<Setting> LIVE = live();

  /** Whether a running node applies a change of the setting ({@link LiveConfig}) or needs a restart. */
  public enum Apply { LIVE, RESTART }

  /** The environment variable naming an optional config file (a mounted ConfigMap) that overrides the defaults. */
  public static final String CONFIG_FILE_ENV = "CHAT_CONFIG_FILE";

  private final String key;
  private final String env;
  private final Kind kind;
  private final long min;
  private final long max;
  private final Object defaultValue;
  private final Apply apply;
  private final String doc;

  Setting(String key, String env, Kind kind, Object defaultValue, Apply apply, String doc) {
    this(key, env, kind, 0, 0, defaultValue, apply, doc);
  }

  Setting(String key, String env, long min, long max, int defaultValue, Apply apply, String doc) {
    this(key, env, Kind.INT, min, max, defaultValue, apply, doc);
  }

  Setting(String key, String env, Kind kind, long min, long max, Object defaultValue, Apply apply, String doc) {
    this.key = key;
    this.env = env;
    this.kind = kind;
    this.min = min;
    this.max = max;
    this.defaultValue = defaultValue;
    this.apply = apply;
    this.doc = doc;
  }

  private static Set<Setting> live() {
    Set<Setting> live = EnumSet.noneOf(Setting.class);
    for (Setting s : values()) {
      if (s.apply == Apply.LIVE) {
        live.add(s);
      }
    }
    return java.util.Collections.unmodifiableSet(live);
  }

  public String key() {
    return key;
  }

  public String env() {
    return env;
  }

  /** The default, as conf/config.json holds it (a number, a string or a boolean; lists as comma-separated text). */
  public Object defaultValue() {
    return defaultValue;
  }

  public Apply apply() {
    return apply;
  }

  /** What the setting does, in one Markdown sentence or two: the configuration table's "meaning". */
  public String doc() {
    return doc;
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
