package io.authtier.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short hash of a pod template as the API server returned it, so that status can tell a new
 * template from the same one under a new Deployment generation (the HPA's scale writes).
 */
final class PodTemplateHash {
  // Map entries sorted: labels and annotations come back in whatever order the server keeps them.
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private PodTemplateHash() {}

  static String of(PodTemplateSpec template) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(template));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a pod template that Jackson read cannot be written back", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
