package io.authtier.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.operator.cli.AuthTierFiles;
import io.authtier.operator.cli.KubernetesYaml;
import io.authtier.operator.dependents.DesiredState;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract 5 across the two modules: every runtime series that the operator's PrometheusRule alerts and
 * HorizontalPodAutoscaler read exists in a running runtime's {@code /metrics}, with the labels they select
 * on. An alert on a metric that was renamed never fires, and nothing else would tell.
 */
@DisplayName("Monitoring contract: alerts and autoscaling read series the runtime exports")
class MonitoringContractTest {

    /** A selector in PromQL: {@code authtier_name{label="value",other=~"regex"}}. */
    private static final Pattern SELECTOR = Pattern.compile("(authtier_[a-z_]+)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    /** Labels that Prometheus adds from the scrape target, not the runtime. */
    private static final List<String> TARGET_LABELS = List.of("namespace", "job", "pod", "instance", "service");

    record Selector(String metric, Map<String, String> exact, List<String> present) {}

    static JwksServer idp;
    static RunningRuntime runtime;
    static RSAKey key;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k").generate();
        idp = new JwksServer("shop", List.of(key.toPublicJWK()));
        runtime = RunningRuntime.start("""
                issuers:
                - name: shop
                  issuerUrl: %s
                  audiences: [api]
                """.formatted(idp.issuer()), Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        idp.close();
    }

    @Test
    @DisplayName("Every runtime series an alert or the HPA of the production sample reads is exported, with the labels it selects on")
    void alertsAndAutoscalingReadExportedSeries() throws Exception {
        // Given what the operator renders for the production sample
        List<JsonNode> objects = rendered(Path.of("..", "samples", "production.yaml"));
        List<Selector> selectors = new ArrayList<>();
        objects.stream().filter(o -> o.path("kind").asText().equals("PrometheusRule"))
                .flatMap(rule -> rule.path("spec").path("groups").valueStream())
                .flatMap(group -> group.path("rules").valueStream())
                .forEach(alert -> selectors.addAll(selectors(alert.path("expr").asText())));
        List<String> hpaMetrics = objects.stream().filter(o -> o.path("kind").asText().equals("HorizontalPodAutoscaler"))
                .flatMap(hpa -> hpa.path("spec").path("metrics").valueStream())
                .filter(metric -> metric.has("pods"))
                .map(metric -> metric.path("pods").path("metric").path("name").asText()).toList();
        assertThat(selectors).extracting(Selector::metric).contains("authtier_http_request_duration_seconds_bucket",
                "authtier_cache_requests_total");
        assertThat(hpaMetrics).containsExactly("authtier_http_requests_in_flight");

        // When the runtime has answered a token and refused one
        String token = Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(idp.issuer(), "api", Instant.now()).build());
        assertThat(runtime.auth(token).statusCode()).isEqualTo(200);
        assertThat(runtime.auth("not-a-token").statusCode()).isEqualTo(401);
        List<String> exported = runtime.management("/metrics").body().lines().filter(l -> l.startsWith("authtier_")).toList();

        // Then each selector finds a series: its exact label values, and every label it matches by pattern
        for (Selector selector : selectors) {
            assertThat(exported).as("a series for %s", selector).anyMatch(line -> matches(line, selector));
        }
        for (String metric : hpaMetrics) {
            assertThat(exported).as("the HPA's %s", metric).anyMatch(line -> line.startsWith(metric + " ") || line.startsWith(metric + "{"));
        }
    }

    private static List<JsonNode> rendered(Path sample) throws Exception {
        var tier = AuthTierFiles.read(sample).tiers().getFirst();
        tier.getMetadata().setNamespace("shop");
        String yaml = KubernetesYaml.write(DesiredState.of(tier, "digest"));
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        return mapper.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
    }

    static List<Selector> selectors(String expr) {
        List<Selector> out = new ArrayList<>();
        Matcher selector = SELECTOR.matcher(expr);
        while (selector.find()) {
            Map<String, String> exact = new LinkedHashMap<>();
            List<String> present = new ArrayList<>();
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                if (TARGET_LABELS.contains(matcher.group(1))) {
                    continue;
                }
                if (matcher.group(2).equals("=")) {
                    exact.put(matcher.group(1), matcher.group(3));
                } else {
                    present.add(matcher.group(1));
                }
            }
            out.add(new Selector(selector.group(1), exact, present));
        }
        return out;
    }

    private static boolean matches(String line, Selector selector) {
        if (!line.startsWith(selector.metric() + "{")) {
            return false;
        }
        String labels = line.substring(selector.metric().length(), line.indexOf('}') + 1);
        return selector.exact().entrySet().stream().allMatch(e -> labels.contains(e.getKey() + "=\"" + e.getValue() + "\""))
                && selector.present().stream().allMatch(name -> labels.contains(name + "=\""));
    }
}
