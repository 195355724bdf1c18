package io.roomcast.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Loads the settings in order of precedence, lowest first: {@code conf/config.json} (the defaults; from the working
 * directory, else from the jar), the file named by {@code CHAT_CONFIG_FILE} (a mounted ConfigMap), then environment
 * variables. Only the environment names of known settings are read, never the rest of the environment.
 */
public final class ConfigLoader {
  public static final String DEFAULTS_PATH = "conf/config.json";

  private ConfigLoader() {}

  public static Future<ChatConfig> load(Vertx vertx, Map<String, String> env) {
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

  private static ConfigStoreOptions file(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", path));
  }
}
