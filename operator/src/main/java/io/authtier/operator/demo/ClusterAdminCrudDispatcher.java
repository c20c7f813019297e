package io.authtier.operator.demo;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The CRUD mock with two additions. The mock has no authorization API, and java-operator-sdk asks it
 * (SelfSubjectRulesReview) whether it may use Leases before it runs leader election. A server
 * without authorization lets everyone do everything, so this answers as for a cluster admin. And
 * tests can make it refuse chosen requests as a real API server would (a kind whose CRD is gone, an
 * admission webhook), which CRUD mode cannot express.
 */
final class ClusterAdminCrudDispatcher extends KubernetesCrudDispatcher {
  /** Requests to answer with a failure Status instead of serving them. */
  record Refusal(Predicate<RecordedRequest> which, int code, String reason, String message) {}

  private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
  private final KubernetesSerialization json = new KubernetesSerialization();

  void refuse(Refusal refusal) {
    refusals.add(refusal);
  }

  private static final String ALL_RULES = """
      {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","metadata":{},
       "spec":{"namespace":"%s"},
       "status":{"incomplete":false,"nonResourceRules":[],
                 "resourceRules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}}
      """;

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if ("POST".equals(request.getMethod()) && request.getPath().endsWith("/selfsubjectrulesreviews")) {
      var body = request.getUtf8Body() == null ? "" : request.getUtf8Body();
      var namespace = body.replaceAll("(?s).*\"namespace\"\\s*:\\s*\"([^\"]*)\".*", "$1");
      return new MockResponse().setResponseCode(201).setBody(ALL_RULES.formatted(namespace));
    }
    for (var refusal : refusals) {
      if (refusal.which().test(request)) {
        var status = new StatusBuilder().withStatus("Failure").withCode(refusal.code())
            .withReason(refusal.reason()).withMessage(refusal.message()).build();
        return new MockResponse().setResponseCode(refusal.code()).setBody(json.asJson(status));
      }
    }
    return super.dispatch(request);
  }
}
