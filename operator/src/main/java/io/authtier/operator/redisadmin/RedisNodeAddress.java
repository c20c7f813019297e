package io.authtier.operator.redisadmin;

import java.util.Objects;

/**
 * Where a Redis node listens: a host name (the operator uses stable pod DNS names) or an IP literal, and a
 * port. Printed as {@code host:port}.
 */
public record RedisNodeAddress(String host, int port) implements Comparable<RedisNodeAddress> {

  public RedisNodeAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("Redis node host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Redis node port must be 1..65535, got " + port + " for " + host);
    }
  }

  /** Parses {@code host:port}; the port is the text after the last colon. */
  public static RedisNodeAddress parse(String hostAndPort) {
    Objects.requireNonNull(hostAndPort, "hostAndPort");
    int colon = hostAndPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostAndPort.length() - 1) {
      throw new IllegalArgumentException("Expected host:port, got '" + hostAndPort + "'");
    }
    try {
      return new RedisNodeAddress(
          hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Expected host:port with a numeric port, got '" + hostAndPort + "'", e);
    }
  }

  @Override
  public int compareTo(RedisNodeAddress other) {
    int byHost = host.compareTo(other.host);
    return byHost != 0 ? byHost : Integer.compare(port, other.port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
