package io.authtier.operator.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** Multi-document YAML with map keys sorted: the same objects always print byte for byte the same. */
public final class KubernetesYaml {
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      // Long values (PromQL, messages) stay on one line: easier to read and to diff.
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build())
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private KubernetesYaml() {}

  public static String write(List<? extends HasMetadata> objects) {
    var out = new StringBuilder();
    for (var object : objects) {
      try {
        out.append(YAML.writeValueAsString(object));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Kubernetes model objects always serialise", e);
      }
    }
    return out.toString();
  }
}
