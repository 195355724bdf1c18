package io.roomcast.it.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Http;
import io.roomcast.support.RawHttp;
import io.roomcast.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The HTTP side a browser or an attacker sees: malformed requests, the page's headers, content types, h2c. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHardeningIT {
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String body(String answer) {
    return answer.substring(answer.indexOf("\r\n\r\n") + 4);
  }

  @Test
  @DisplayName("a malformed chunk size is answered 400 with a JSON error, on the API and on the page, not 500")
  void malformedChunks() {
    String api = RawHttp.exchange(node.port(), "POST /api/rooms/x/messages HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n");
    assertThat(RawHttp.status(api)).isEqualTo(400);
    assertThat(new JsonObject(body(api)).getString("code")).isEqualTo("bad_request");
    String page = RawHttp.exchange(node.port(),
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n");
    assertThat(RawHttp.status(page)).isEqualTo(400);
    assertThat(new JsonObject(body(page)).getString("code")).isEqualTo("bad_request");
    assertThat(Http.get(node.port(), "/").statusCode()).as("the node serves on").isEqualTo(200);
  }

  @Test
  @DisplayName("the page has HEAD, a Content-Security-Policy that forbids framing, and nosniff")
  void pageHeaders() {
    assertThat(RawHttp.status(RawHttp.exchange(node.port(), "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
        .isEqualTo(200);
    for (String path : new String[] {"/", "/app.js", "/roomcast.js"}) {
      HttpResponse<String> r = Http.get(node.port(), path);
      assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
      String csp = r.headers().firstValue("content-security-policy").orElse("");
      assertThat(csp).as(path).contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
          .doesNotContain("unsafe-inline", "unsafe-eval");
    }
  }

  @Test
  @DisplayName("cleartext HTTP/2 upgrades (h2c) are not offered")
  void noH2c() {
    String answer = RawHttp.exchange(node.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
    assertThat(RawHttp.status(answer)).isEqualTo(200);
    assertThat(answer).doesNotContainIgnoringCase("upgrade: h2c");
  }

  @Test
  @DisplayName("the API takes only application/json bodies (a cross-site form cannot post), parsed strictly")
  void apiContentType() {
    String json = new JsonObject().put("text", "hi").put("user", "svc").encode();
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"}) {
      HttpResponse<String> r = Http.send(node.port(), "POST", "/api/rooms/ct/messages", json, Map.of("Content-Type", type));
      assertThat(r.statusCode()).as(type).isEqualTo(415);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("bad_request");
    }
    HttpResponse<String> commented = Http.post(node.port(), "/api/rooms/ct/messages",
        "{\"text\": \"hi\", /* x */ \"user\": \"svc\"}", Map.of());
    assertThat(commented.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(commented.body()).getString("code")).isEqualTo("bad_json");
    assertThat(Http.post(node.port(), "/api/rooms/ct/messages", json, Map.of("Content-Type", "application/json; charset=utf-8"))
        .statusCode()).isEqualTo(201);
    assertThat(new JsonObject(Http.get(node.port(), "/api/rooms/ct/messages").body()).getJsonArray("messages"))
        .as("only the accepted post was stored").hasSize(1);
  }
}
