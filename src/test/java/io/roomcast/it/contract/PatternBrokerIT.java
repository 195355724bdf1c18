package io.roomcast.it.contract;

/** The broker contract in pattern mode: each node PSUBSCRIBEs every room. */
class PatternBrokerIT extends StandaloneBrokerContract {
  @Override
  protected String mode() {
    return "pattern";
  }
}
