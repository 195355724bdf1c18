package io.roomcast.bus;

/** Close every connection with 1012 (service restart), spread over {@code windowMs}. */
public record Drain(long windowMs) implements BusMessage {}
