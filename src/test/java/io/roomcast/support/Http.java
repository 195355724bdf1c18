package io.roomcast.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain blocking HTTP GETs for the test thread. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  public static HttpResponse<String> get(int port, String path) {
    return send(port, "GET", path, null, Map.of());
  }

  public static HttpResponse<String> get(int port, String path, Map<String, String> headers) {
    return send(port, "GET", path, null, headers);
  }

  public static HttpResponse<String> post(int port, String path, String json, Map<String, String> headers) {
    return send(port, "POST", path, json, headers);
  }

  /** Any method, an optional JSON body, extra headers. */
  public static HttpResponse<String> send(int port, String method, String path, String body,
      Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
