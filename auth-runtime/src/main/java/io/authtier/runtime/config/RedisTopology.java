package io.authtier.runtime.config;

/** How the runtime talks to Redis: one server, or a Redis Cluster discovered from its seed endpoints. */
public enum RedisTopology {
    Standalone, Cluster
}
