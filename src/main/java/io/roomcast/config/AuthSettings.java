package io.roomcast.config;

import java.util.List;

/** Who may connect and call the API: JWT mode's keys and rules, and the API keys. Secrets: never logged. */
public record AuthSettings(String jwtSecret, String jwtPublicKey, boolean jwtRequireExp, List<String> apiKeys) {

  /** Whether connections need a verified token (a secret or a public key is set). */
  public boolean jwtMode() {
    return !jwtSecret.isEmpty() || !jwtPublicKey.isEmpty();
  }

  @Override
  public String toString() {
    return "AuthSettings[jwtMode=" + jwtMode() + ", jwtRequireExp=" + jwtRequireExp + ", apiKeys=" + apiKeys.size()
        + "]";
  }
}
