package io.roomcast.bus;

/**
 * The bridge's answer to the {@link BridgeCall} {@code id}: its {@code reply}, or (reply null) a refusal with an
 * {@link io.roomcast.protocol.ErrorCode} number as {@code failureCode}, as a failed reply would carry.
 */
public record BridgeAnswer(long id, BridgeReply reply, int failureCode, String failureMessage) implements BusMessage {}
