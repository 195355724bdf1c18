package io.roomcast.it.contract;

/** The broker contract in rooms mode: each node SUBSCRIBEs to the rooms it has members in. */
class RoomsBrokerIT extends StandaloneBrokerContract {
  @Override
  protected String mode() {
    return "rooms";
  }
}
