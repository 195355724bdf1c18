package io.roomcast.bus;

import io.roomcast.config.ChatConfig;

/** The settings changed at run time (the live ones of a new config file); gateways apply them. */
public record ConfigUpdate(ChatConfig config) implements BusMessage {}
