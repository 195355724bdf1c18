package io.roomcast.bus;

/**
 * Every event-bus address of a node. The bus is never clustered: nodes talk through the broker (memory or Redis),
 * gateways and the bridge of one JVM talk here.
 *
 * <ul>
 *   <li>{@link #BRIDGE}: gateways send {@link BridgeRequest}s; the bridge replies with a {@link BridgeReply} or fails
 *       the message with an {@link io.roomcast.protocol.ErrorCode} number as failure code.
 *   <li>{@link #room(String)}: the bridge publishes {@link RoomEvent}s of one room (message, presence, typing); a
 *       gateway instance listens only while one of its sessions has joined that room.
 *   <li>{@link #ROOMS}: the bridge publishes a {@link RoomEvent} for every new room; every gateway instance listens.
 *   <li>{@link #DRAIN}: the launcher publishes a {@link Drain} on shutdown; every gateway instance closes its
 *       connections with 1012 over the drain window.
 * </ul>
 */
public final class Addresses {
  public static final String BRIDGE = "roomcast.bridge";
  public static final String ROOMS = "roomcast.rooms";
  public static final String DRAIN = "roomcast.drain";
  /** The launcher publishes a {@link ConfigUpdate} when the mounted config file changes. */
  public static final String CONFIG = "roomcast.config";
  private static final String ROOM_PREFIX = "roomcast.room.";

  private Addresses() {}

  public static String room(String room) {
    return ROOM_PREFIX + room;
  }
}
