package io.authtier.operator.demo;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The CRUD mock with one addition: the mock has no authorization API, and java-operator-sdk asks it
 * (SelfSubjectRulesReview) whether it may use Leases before it runs leader election. A server
 * without authorization lets everyone do everything, so this answers as for a cluster admin.
 */
final class ClusterAdminCrudDispatcher extends KubernetesCrudDispatcher {
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
    return super.dispatch(request);
  }
}
