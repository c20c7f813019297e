package io.authtier.operator.demo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.function.Predicate;

/**
 * fabric8's mock Kubernetes API in CRUD mode, with the AuthTier CRD installed: enough API server to
 * run the operator without a cluster. It has no schema validation, CEL, garbage collector or
 * controllers (see {@link FakeWorkloadController}).
 */
public final class EmbeddedApiServer implements AutoCloseable {
  /** Where the CRD generator puts the CRD on the classpath. */
  public static final String CRD_RESOURCE = "/META-INF/fabric8/authtiers.authtier.io-v1.yml";

  private final KubernetesMockServer server;
  private final ClusterAdminCrudDispatcher dispatcher;
  private final KubernetesClient client;
  // java.util.logging keeps loggers weakly: hold it while the server lives, or its level is lost.
  private final java.util.logging.Logger requestLog;

  private EmbeddedApiServer(KubernetesMockServer server, ClusterAdminCrudDispatcher dispatcher, KubernetesClient client,
      java.util.logging.Logger requestLog) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.client = client;
    this.requestLog = requestLog;
  }

  public static EmbeddedApiServer start() {
    // The mock server logs every request at INFO; that is noise beside the operator's own log.
    var requestLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    requestLog.setLevel(java.util.logging.Level.WARNING);
    var dispatcher = new ClusterAdminCrudDispatcher();
    var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    var client = server.createClient();
    try (InputStream crd = EmbeddedApiServer.class.getResourceAsStream(CRD_RESOURCE)) {
      if (crd == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is missing from the classpath; build the operator first");
      }
      // Registers the kind, its scope and its status subresource with the CRUD dispatcher.
      client.apiextensions().v1().customResourceDefinitions()
          .resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EmbeddedApiServer(server, dispatcher, client, requestLog);
  }

  public KubernetesClient client() {
    return client;
  }

  public KubernetesMockServer server() {
    return server;
  }

  /**
   * From now on, answers the requests that {@code which} matches with a failure Status, as a real API server
   * does for a kind whose CRD is gone (404 NotFound) or when an admission webhook refuses an object.
   */
  public void refuse(Predicate<RecordedRequest> which, int code, String reason, String message) {
    dispatcher.refuse(new ClusterAdminCrudDispatcher.Refusal(which, code, reason, message));
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
