package io.roomcast.it.contract;

import java.util.Map;

/** {@link ProtocolIT} against a node whose writes wait out a write delay ({@code writeDelayMs}). */
class WriteDelayProtocolIT extends ProtocolIT {
  @Override
  protected Map<String, String> settings() {
    return Map.of("CHAT_WRITE_DELAY_MS", "25");
  }
}
