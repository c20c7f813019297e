package io.authtier.operator.redisadmin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What one node said about itself and its cluster when it was asked, or why it could not be asked. */
public sealed interface NodeObservation {

  RedisNodeAddress address();

  /**
   * The node could not be asked: it did not answer in time, refused the password, or failed the TLS
   * handshake.
   */
  record Unreachable(RedisNodeAddress address, Failure failure, String reason) implements NodeObservation {

    /** A node that did not answer. */
    public Unreachable(RedisNodeAddress address, String reason) {
      this(address, Failure.NO_ANSWER, reason);
    }
  }

  /** Why a node could not be asked; each needs a different fix. */
  enum Failure {
    /** Refused connection, timeout, unknown host: the network or the node. */
    NO_ANSWER,
    /** {@code WRONGPASS} or {@code NOAUTH}: the password. */
    AUTHENTICATION,
    /** The TLS handshake failed, for example an untrusted certificate or a name that does not match. */
    TLS
  }

  /**
   * The node answered.
   *
   * @param clusterEnabled false when the node runs without {@code cluster-enabled yes}
   * @param nodeId {@code CLUSTER MYID}
   * @param clusterState {@code cluster_state} from {@code CLUSTER INFO} ({@code ok} or {@code fail})
   * @param knownNodes {@code cluster_known_nodes}, itself included
   * @param dbSize {@code DBSIZE}: keys in the node's database
   * @param view the node's {@code CLUSTER NODES}, its own line included
   * @param ip the IP that {@code address} resolved to when the node was asked, which a {@code CLUSTER MEET}
   *     naming the node would use; empty when not known
   */
  record Reachable(
      RedisNodeAddress address,
      boolean clusterEnabled,
      String nodeId,
      String clusterState,
      int knownNodes,
      long dbSize,
      List<ClusterNodeEntry> view,
      Optional<String> ip)
      implements NodeObservation {

    public Reachable {
      view = List.copyOf(view);
      Objects.requireNonNull(ip, "ip");
    }

    /** Without the resolved IP: entries are then matched to the node by {@link ClusterNodeEntry#isAt}. */
    public Reachable(RedisNodeAddress address, boolean clusterEnabled, String nodeId, String clusterState,
        int knownNodes, long dbSize, List<ClusterNodeEntry> view) {
      this(address, clusterEnabled, nodeId, clusterState, knownNodes, dbSize, view, Optional.empty());
    }

    /** The node's own line of its view. */
    public Optional<ClusterNodeEntry> self() {
      return view.stream().filter(ClusterNodeEntry::myself).findFirst();
    }

    public boolean isMaster() {
      return self().map(ClusterNodeEntry::master).orElse(true);
    }

    public Optional<String> masterId() {
      return self().flatMap(ClusterNodeEntry::masterId);
    }

    public List<SlotRange> slots() {
      return self().map(ClusterNodeEntry::slots).orElse(List.of());
    }

    public int slotCount() {
      return SlotRange.count(slots());
    }

    /** Whether this node knows {@code id} as a full member (not only in handshake). */
    public boolean knows(String id) {
      return view.stream().anyMatch(e -> e.id().equals(id) && !e.handshake());
    }

    /**
     * Whether {@code entry}, another node's line about this one, names the address where this node answers
     * now: the resolved IP and the port when the IP is known (a host name announced with
     * {@code cluster-announce-hostname} says nothing about a changed IP), else {@link ClusterNodeEntry#isAt}.
     */
    public boolean listedHereBy(ClusterNodeEntry entry) {
      return ip.map(i -> entry.port() == address.port() && sameIp(entry.ip(), i))
          .orElseGet(() -> entry.isAt(address));
    }

    /** Redis prints IPv6 compressed ({@code ::1}), Java in full: compare those as addresses. */
    private static boolean sameIp(String listed, String resolved) {
      if (listed.equals(resolved)) {
        return true;
      }
      if (!listed.contains(":") || !resolved.contains(":")) {
        return false;
      }
      try {
        // IPv6 literals are parsed, never looked up.
        return InetAddress.getByName(listed).equals(InetAddress.getByName(resolved));
      } catch (UnknownHostException e) {
        return false;
      }
    }

    /** Empty, alone and slotless: what bootstrap and joining require. */
    public boolean isFresh() {
      return clusterEnabled && dbSize == 0 && knownNodes <= 1 && slotCount() == 0;
    }
  }
}
