package io.authtier.operator.redisadmin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One line of {@code CLUSTER NODES}: how one node sees one member of its cluster.
 *
 * @param id the 40-character node id
 * @param ip the address the node announces (may be empty for a node in handshake without address)
 * @param port the client port
 * @param hostname the announced host name ({@code cluster-announce-hostname}), if any
 * @param flags {@code myself}, {@code master}, {@code slave}, {@code fail?}, {@code fail},
 *     {@code handshake}, {@code noaddr}, ...
 * @param masterId the master's id for a replica
 * @param connected whether the link state is {@code connected}
 * @param slots the slots the node serves
 * @param migrating open slots being migrated away: slot → destination node id
 * @param importing open slots being imported: slot → source node id
 */
public record ClusterNodeEntry(
    String id,
    String ip,
    int port,
    Optional<String> hostname,
    Set<String> flags,
    Optional<String> masterId,
    boolean connected,
    List<SlotRange> slots,
    Map<Integer, String> migrating,
    Map<Integer, String> importing) {

  public ClusterNodeEntry {
    flags = Set.copyOf(flags);
    slots = List.copyOf(slots);
    migrating = Map.copyOf(migrating);
    importing = Map.copyOf(importing);
  }

  public boolean myself() {
    return flags.contains("myself");
  }

  public boolean master() {
    return flags.contains("master");
  }

  public boolean replica() {
    return flags.contains("slave");
  }

  /** Agreed failed by a majority of masters ({@code fail}, not the local suspicion {@code fail?}). */
  public boolean failed() {
    return flags.contains("fail");
  }

  /** Suspected ({@code fail?}) or agreed ({@code fail}) failure. */
  public boolean failing() {
    return flags.contains("fail") || flags.contains("fail?");
  }

  public boolean handshake() {
    return flags.contains("handshake") || flags.contains("noaddr");
  }

  public int slotCount() {
    return SlotRange.count(slots);
  }

  /** Whether this entry describes the node at {@code address}, by IP or announced host name. */
  public boolean isAt(RedisNodeAddress address) {
    return port == address.port()
        && (address.host().equals(ip) || hostname.map(address.host()::equals).orElse(false));
  }

  /** {@code host:port} as announced: the host name when there is one, else the IP. */
  public String endpoint() {
    return hostname.orElse(ip) + ":" + port;
  }

  /** Parses the whole output of {@code CLUSTER NODES}; blank lines are skipped. */
  public static List<ClusterNodeEntry> parseAll(String clusterNodes) {
    return clusterNodes.lines().filter(l -> !l.isBlank()).map(ClusterNodeEntry::parse).toList();
  }

  /**
   * Parses one line: {@code <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv>
   * <config-epoch> <link-state> <slot> ...}.
   */
  public static ClusterNodeEntry parse(String line) {
    String[] f = line.trim().split(" ");
    if (f.length < 8) {
      throw new IllegalArgumentException("Not a CLUSTER NODES line: " + line);
    }
    String address = f[1];
    Optional<String> hostname = Optional.empty();
    int comma = address.indexOf(',');
    if (comma >= 0) {
      String name = address.substring(comma + 1);
      hostname = name.isEmpty() ? Optional.empty() : Optional.of(name);
      address = address.substring(0, comma);
    }
    int at = address.indexOf('@');
    if (at >= 0) {
      address = address.substring(0, at);
    }
    int colon = address.lastIndexOf(':');
    String ip = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    Set<String> flags = Set.copyOf(Arrays.asList(f[2].split(",")));
    Optional<String> masterId = "-".equals(f[3]) ? Optional.empty() : Optional.of(f[3]);
    boolean connected = "connected".equals(f[7]);
    List<SlotRange> slots = new ArrayList<>();
    Map<Integer, String> migrating = new TreeMap<>();
    Map<Integer, String> importing = new TreeMap<>();
    for (int i = 8; i < f.length; i++) {
      String s = f[i];
      if (s.startsWith("[")) {
        String inner = s.substring(1, s.length() - 1);
        int arrowOut = inner.indexOf("->-");
        int arrowIn = inner.indexOf("-<-");
        if (arrowOut > 0) {
          migrating.put(Integer.parseInt(inner.substring(0, arrowOut)), inner.substring(arrowOut + 3));
        } else if (arrowIn > 0) {
          importing.put(Integer.parseInt(inner.substring(0, arrowIn)), inner.substring(arrowIn + 3));
        }
      } else {
        int dash = s.indexOf('-');
        slots.add(
            dash < 0
                ? SlotRange.single(Integer.parseInt(s))
                : new SlotRange(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1))));
      }
    }
    return new ClusterNodeEntry(f[0], ip, port, hostname, flags, masterId, connected, slots, migrating, importing);
  }
}
