package io.authtier.runtime.token;

import io.authtier.runtime.metrics.RuntimeMetrics;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends each bearer token to the verifier for its kind: one shaped like a JWT (a JSON header, base64url
 * {@code eyJ…} with a dot, or three dot-separated segments) goes to the JWT verifier, which also rejects the
 * malformed (JWE, wrong segment counts) for its own reasons; any other goes to introspection, where an
 * issuer has it. Opaque tokens may hold dots (Ory Hydra's {@code ory_at_….…}). The size cap comes first,
 * so an oversized opaque token never reaches the IdP.
 */
public final class BearerTokenVerifier implements TokenVerifier {
  private final TokenVerifier jwt;
  private final Optional<TokenVerifier> opaque;
  private final int maxTokenBytes;
  private final RuntimeMetrics metrics;

  public BearerTokenVerifier(TokenVerifier jwt, Optional<TokenVerifier> opaque, int maxTokenBytes, RuntimeMetrics metrics) {
    this.jwt = jwt;
    this.opaque = opaque;
    this.maxTokenBytes = maxTokenBytes;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Verdict> verify(String token) {
    if (opaque.isPresent() && !jwtShaped(token)) {
      // Bearer tokens are ASCII (RFC 6750 b64token), so characters count bytes.
      if (token.length() > maxTokenBytes) {
        // Counted as the JWT path counts its own: no issuer can be told for it.
        metrics.tokenValidation(RuntimeMetrics.UNKNOWN_ISSUER, Principal.Method.INTROSPECTION.label(), Rejection.TOO_LARGE.code());
        return CompletableFuture.completedFuture(new Verdict.Rejected(Rejection.TOO_LARGE));
      }
      return opaque.get().verify(token);
    }
    return jwt.verify(token);
  }

  static boolean jwtShaped(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    boolean threeSegments = second >= 0 && token.indexOf('.', second + 1) < 0;
    return threeSegments || token.startsWith("eyJ") && first >= 0;
  }
}
