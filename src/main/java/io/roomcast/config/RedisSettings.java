package io.roomcast.config;

import java.util.List;

/**
 * What the Redis broker's connections need of the settings: where Redis is, how nodes share rooms through it, and how
 * its connections are pooled, checked and made again ({@code redis*} in docs/configuration.md).
 *
 * @param urls the server's URL, or a cluster's seed nodes
 * @param urlForLogs the URLs with any password masked
 */
public record RedisSettings(List<String> urls, String urlForLogs, RedisMode mode, String prefix, int poolSize,
    int reconnectMinMs, int reconnectMaxMs, int pingIntervalMs, int unsubscribeGraceSeconds, int waitReplicas,
    int waitTimeoutMs) {}
