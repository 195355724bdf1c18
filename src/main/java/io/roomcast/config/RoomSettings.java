package io.roomcast.config;

/**
 * What a broker keeps of rooms and their messages: how many rooms, who may create them and when idle ones go, how much
 * history, and how long an idempotency key counts. Both brokers take these and nothing else of the settings.
 */
public record RoomSettings(int maxRooms, int roomCreateQuota, int roomCreateWindowSeconds, int roomIdleExpirySeconds,
    int historySize, int historyMaxAgeSeconds, int idempotencyWindowSeconds) {}
