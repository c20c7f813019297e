package io.authtier.runtime.config;

/**
 * Where sessions live. {@code Memory} is for development and a single replica: sessions vanish on restart
 * and are not shared between replicas.
 */
public enum SessionStoreType {
    Memory, Redis
}
