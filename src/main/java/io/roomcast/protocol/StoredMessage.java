package io.roomcast.protocol;

/** A chat message as stored in a room's history. {@code ts} is epoch milliseconds. */
public record StoredMessage(String id, String user, String text, long ts) {}
