package io.roomcast.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads the settings in order of precedence, lowest first: {@code conf/config.json} (the defaults; from the working
 * directory, else from the jar), the file named by {@code CHAT_CONFIG_FILE} (a mounted ConfigMap), then environment
 * variables. Only the environment names of known settings are read, never the rest of the environment; but a
 * {@code CHAT_} variable that names no setting stops start-up, as an unknown key in a file does: a misspelled
 * variable would otherwise leave its setting silently at the default.
 */
public final class ConfigLoader {
  public static final String DEFAULTS_PATH = "conf/config.json";
  private static final String PREFIX = "CHAT_";
  /**
   * What Kubernetes puts in a pod's environment for a Service named {@code chat} (its service links, unless the pod
   * sets {@code enableServiceLinks: false}): not settings, and not typos either.
   */
  private static final Pattern SERVICE_LINK =
      Pattern.compile("CHAT_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)?)");

  private ConfigLoader() {}

  public static Future<ChatConfig> load(Vertx vertx, Map<String, String> env) {
    try {
      refuseUnknown(env.keySet());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1)
        .addStore(file(DEFAULTS_PATH));
    String mounted = env.get(Setting.CONFIG_FILE_ENV);
    if (mounted != null && !mounted.isBlank()) {
      // mandatory once named: a missing or broken file must stop start-up, not silently become {}
      options.addStore(file(mounted));
    }
    JsonObject fromEnv = new JsonObject();
    for (Setting s : Setting.values()) {
      String value = env.get(s.env());
      if (value != null) {
        fromEnv.put(s.env(), value);
      }
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(fromEnv));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(err -> Future.failedFuture(new ConfigException(
            "cannot read the config files (" + DEFAULTS_PATH
                + (mounted == null ? "" : ", " + Setting.CONFIG_FILE_ENV + "=" + mounted) + "): " + err.getMessage())))
        .map(ChatConfig::from)
        .eventually(retriever::close);
  }

  /** Fails on the first {@code CHAT_} variable (in name order) that names no setting, with the nearest valid name. */
  static void refuseUnknown(Set<String> names) {
    Set<String> known = Stream.concat(Stream.of(Setting.values()).map(Setting::env), Stream.of(Setting.CONFIG_FILE_ENV))
        .filter(n -> n.startsWith(PREFIX)).collect(Collectors.toSet());
    for (String name : new TreeSet<>(names)) {
      if (name.startsWith(PREFIX) && !known.contains(name) && !SERVICE_LINK.matcher(name).matches()) {
        String nearest = known.stream().min(Comparator.comparingInt(k -> distance(name, k))).orElseThrow();
        boolean close = distance(name, nearest) <= Math.max(2, name.length() / 4);
        throw new ConfigException("unknown environment variable " + name + ": it names no setting"
            + (close ? "; did you mean " + nearest + "?" : " (docs/configuration.md lists them)"));
      }
    }
  }

  /** Levenshtein distance: the fewest single-character insertions, deletions and substitutions from a to b. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static ConfigStoreOptions file(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", path));
  }
}
