package io.roomcast.config;

/** A setting is missing or has a value the server cannot use; the message names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
