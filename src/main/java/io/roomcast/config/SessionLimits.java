package io.roomcast.config;

/**
 * A connection's limits, live (a config change reaches the connections already open): its frames and texts, its
 * rooms, its request rate, what may wait for it, and how long a close the server started may take. What a session
 * takes of the settings, and nothing else.
 */
public record SessionLimits(int maxFrameBytes, int maxTextLength, int maxRoomsPerConnection, int maxPendingBytes,
    int sendRatePerSecond, int sendBurst, int rateLimitStrikes, int closeTimeoutMs, String nodeId) {}
