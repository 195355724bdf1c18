package io.roomcast.gateway;

import io.roomcast.bus.BridgeClient;
import io.roomcast.config.HookSettings;
import io.roomcast.config.SessionLimits;
import io.roomcast.hooks.HookClient;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.FrameParser;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a session uses of its gateway instance, built once by the instance and shared by its sessions.
 *
 * @param limits a connection's live limits, read afresh by every check
 * @param parser the live frame parser (its text limit is a live setting)
 * @param jwtMode whether identities come from verified tokens (a new room then counts toward the user's quota, else
 *     toward the client address's)
 * @param closed told once when a session's socket closed
 * @param hooks calls the application's hooks
 * @param hookSettings the live hook settings, read afresh by every request
 */
record SessionServices(Vertx vertx, Supplier<SessionLimits> limits, Supplier<FrameParser> parser, Metrics metrics,
    BridgeClient bridge, RoomRegistry rooms, boolean jwtMode, Consumer<Session> closed, HookClient hooks,
    Supplier<HookSettings> hookSettings) {}
