package io.authtier.operator.dependents.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered alert rules evaluated by Prometheus's own engine ({@code promtool test rules}, Debian's
 * {@code prometheus} package) on series shaped as the runtime exports them and Prometheus stores them: two tiers of
 * the same name in namespaces shop and blog, so that each alert must stay one per tier.
 */
class AlertRulesEvaluationTest {
  private static final String PROMTOOL = "promtool";

  @TempDir
  static Path dir;

  private static AuthTier shop;
  private static AuthTier blog;

  @BeforeAll
  static void rules() throws IOException {
    shop = Tiers.sample("production.yaml", "shop");
    blog = Tiers.sample("production.yaml", "blog");
    // Two tiers' groups share a name and rules only when their namespaces differ: promtool wants one file each.
    for (var tier : List.of(shop, blog)) {
      var spec = RuntimePrometheusRule.build(tier).getAdditionalProperties().get("spec");
      Files.writeString(dir.resolve(tier.getMetadata().getNamespace() + ".rules.yaml"), Serialization.asYaml(spec));
    }
  }

  @Test
  @DisplayName("promtool accepts the rendered rules")
  void rulesAreValid() throws Exception {
    var result = promtool("check", "rules", dir.resolve("shop.rules.yaml").toString(), dir.resolve("blog.rules.yaml").toString());
    assertThat(result.code()).as(result.output()).isZero();
  }

  @Test
  @DisplayName("Both tiers failing with 5xx: two AuthTierServerErrors alerts, each with its namespace and job")
  void serverErrorsPerTier() throws Exception {
    var series = new ArrayList<Map<String, String>>();
    for (var tier : List.of(shop, blog)) {
      series.add(series(tier, "authtier_http_request_duration_seconds_count", "endpoint=\"auth\",status=\"200\"", "0+540x40"));
      series.add(series(tier, "authtier_http_request_duration_seconds_count", "endpoint=\"auth\",status=\"503\"", "0+60x40"));
    }
    assertAlerts(series, "AuthTierServerErrors", List.of(shop, blog));
  }

  @Test
  @DisplayName("Few 5xx answers fire nothing")
  void fewServerErrorsAreQuiet() throws Exception {
    var series = List.of(
        series(shop, "authtier_http_request_duration_seconds_count", "endpoint=\"auth\",status=\"200\"", "0+990x40"),
        series(shop, "authtier_http_request_duration_seconds_count", "endpoint=\"auth\",status=\"503\"", "0+10x40"));
    assertAlerts(series, "AuthTierServerErrors", List.of());
  }

  @Test
  @DisplayName("A slow /auth (p99 above 500ms) fires AuthTierSlowResponses for its tier only, read from the runtime's endpoint label")
  void slowResponses() throws Exception {
    var series = new ArrayList<Map<String, String>>();
    // shop: every request between 1 and 2.5 s; blog: every request under 5 ms
    for (var le : List.of("0.005", "0.5", "1")) {
      series.add(series(shop, "authtier_http_request_duration_seconds_bucket", "endpoint=\"auth\",status=\"200\",le=\"" + le + "\"", "0x40"));
    }
    for (var le : List.of("2.5", "5", "+Inf")) {
      series.add(series(shop, "authtier_http_request_duration_seconds_bucket", "endpoint=\"auth\",status=\"200\",le=\"" + le + "\"", "0+600x40"));
    }
    for (var le : List.of("0.005", "0.5", "1", "2.5", "5", "+Inf")) {
      series.add(series(blog, "authtier_http_request_duration_seconds_bucket", "endpoint=\"auth\",status=\"200\",le=\"" + le + "\"", "0+600x40"));
    }
    assertAlerts(series, "AuthTierSlowResponses", List.of(shop));
  }

  @Test
  @DisplayName("A low token-cache hit rate fires under real traffic, but not for a handful of lookups on an idle tier")
  void lowCacheHitRate() throws Exception {
    var series = List.of(
        // shop: 10 lookups a second, half of them hits
        series(shop, "authtier_cache_requests_total", "tier=\"l1\",result=\"hit\"", "0+300x40"),
        series(shop, "authtier_cache_requests_total", "tier=\"l1\",result=\"miss\"", "0+300x40"),
        // blog: one lookup every two minutes, all misses
        series(blog, "authtier_cache_requests_total", "tier=\"l1\",result=\"hit\"", "0x40"),
        series(blog, "authtier_cache_requests_total", "tier=\"l1\",result=\"miss\"", "0+0.5x40"));
    assertAlerts(series, "AuthTierLowCacheHitRate", List.of(shop));
  }

  @Test
  @DisplayName("A pod near its memory limit fires AuthTierMemoryHigh, also while a restarted container's old series lingers")
  void memoryHigh() throws Exception {
    var pod = Names.runtime(shop) + "-7d9f8c6b5d-x2k4q";
    var limit = 512L * 1024 * 1024;
    var series = List.of(
        Map.of("series", "container_memory_working_set_bytes{namespace=\"shop\",pod=\"" + pod + "\",container=\"" + Names.CONTAINER + "\",id=\"/old\"}",
            "values", (limit * 95 / 100) + "x40"),
        Map.of("series", "container_memory_working_set_bytes{namespace=\"shop\",pod=\"" + pod + "\",container=\"" + Names.CONTAINER + "\",id=\"/new\"}",
            "values", (limit * 90 / 100) + "x40"),
        Map.of("series", "kube_pod_container_resource_limits{namespace=\"shop\",pod=\"" + pod
            + "\",container=\"" + Names.CONTAINER + "\",resource=\"memory\",unit=\"byte\"}", "values", limit + "x40"));
    var expected = new LinkedHashMap<String, Object>();
    expected.put("exp_labels", Map.of("severity", "critical", "namespace", "shop", "pod", pod));
    expected.put("exp_annotations", annotations(shop, "AuthTierMemoryHigh"));
    run(series, "AuthTierMemoryHigh", List.of(expected));
  }

  @Test
  @DisplayName("No pod scraped: AuthTierDown with its namespace and job, whether its pods are gone or fail their scrapes")
  void down() throws Exception {
    assertAlerts(List.of(series(blog, "up", "instance=\"10.0.0.1:9090\"", "1x40")), "AuthTierDown", List.of(shop));
    assertAlerts(List.of(
        series(shop, "up", "instance=\"10.0.0.1:9090\"", "0x40"),
        series(shop, "up", "instance=\"10.0.0.2:9090\"", "0x40"),
        series(blog, "up", "instance=\"10.0.0.3:9090\"", "0x40"),
        series(blog, "up", "instance=\"10.0.0.4:9090\"", "1x40")), "AuthTierDown", List.of(shop));
  }

  /** A series of {@code tier}'s runtime as Prometheus stores it: the target's namespace and job, then the runtime's labels. */
  private static Map<String, String> series(AuthTier tier, String metric, String labels, String values) {
    return Map.of("series", metric + "{namespace=\"" + tier.getMetadata().getNamespace() + "\",job=\""
        + Names.runtime(tier) + "\"," + labels + "}", "values", values);
  }

  /** {@code alert} fires at minute 30 once for each of {@code firing}, labelled with its namespace and job, and for no other tier. */
  private static void assertAlerts(List<Map<String, String>> series, String alert, List<AuthTier> firing) throws Exception {
    var expected = new ArrayList<Map<String, Object>>();
    for (var tier : firing) {
      var one = new LinkedHashMap<String, Object>();
      one.put("exp_labels", Map.of("severity", severity(tier, alert), "namespace", tier.getMetadata().getNamespace(),
          "job", Names.runtime(tier)));
      one.put("exp_annotations", annotations(tier, alert));
      expected.add(one);
    }
    run(series, alert, expected);
  }

  private static void run(List<Map<String, String>> series, String alert, List<? extends Map<String, Object>> expected)
      throws Exception {
    var test = Map.of(
        "rule_files", List.of("shop.rules.yaml", "blog.rules.yaml"),
        "evaluation_interval", "1m",
        "tests", List.of(Map.of(
            "interval", "1m",
            "input_series", series,
            "alert_rule_test", List.of(Map.of("eval_time", "30m", "alertname", alert, "exp_alerts", expected)))));
    var file = dir.resolve(alert + "-" + System.nanoTime() + ".test.yaml");
    Files.writeString(file, Serialization.asYaml(test));
    var result = promtool("test", "rules", file.toString());
    assertThat(result.code()).as("promtool test rules:%n%s%n%s", result.output(), Files.readString(file)).isZero();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> rule(AuthTier tier, String alert) {
    var spec = (Map<String, Object>) RuntimePrometheusRule.build(tier).getAdditionalProperties().get("spec");
    var group = ((List<Map<String, Object>>) spec.get("groups")).getFirst();
    return ((List<Map<String, Object>>) group.get("rules")).stream().filter(r -> alert.equals(r.get("alert")))
        .findFirst().orElseThrow(() -> new AssertionError("no alert " + alert));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> annotations(AuthTier tier, String alert) {
    return (Map<String, String>) rule(tier, alert).get("annotations");
  }

  @SuppressWarnings("unchecked")
  private static String severity(AuthTier tier, String alert) {
    return ((Map<String, String>) rule(tier, alert).get("labels")).get("severity");
  }

  private record Result(int code, String output) {}

  private static Result promtool(String... args) throws Exception {
    var command = new ArrayList<String>();
    command.add(PROMTOOL);
    command.addAll(List.of(args));
    // Run where the rule files are: promtool reads rule_files relative to its working directory.
    var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Result(process.exitValue(), output);
  }
}
