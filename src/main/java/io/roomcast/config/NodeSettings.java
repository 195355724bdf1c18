package io.roomcast.config;

/**
 * What the brokers need to know of the node they run in: its name (presence entries, pool names), how long a request
 * may wait for the bridge, and how long its presence outlives its last heartbeat.
 */
public record NodeSettings(String nodeId, int bridgeTimeoutMs, int presenceTtlSeconds) {}
