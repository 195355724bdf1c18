package io.roomcast.it.contract;

/** The protocol contract on two nodes sharing one Redis in rooms mode. */
class RoomsProtocolIT extends TwoNodeProtocolContract {
  @Override
  protected String mode() {
    return "rooms";
  }
}
