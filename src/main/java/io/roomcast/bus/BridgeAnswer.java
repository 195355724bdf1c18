package io.roomcast.bus;

/** The bridge's answer to the {@link BridgeCall} {@code id}: its {@code reply}, or (reply null) its {@code refusal}. */
public record BridgeAnswer(long id, BridgeReply reply, Refusal refusal) implements BusMessage {}
