package io.roomcast.bus;

/** Marker for the records that travel on the event bus; {@link LocalCodec} passes them by reference. */
public interface BusMessage {}
