package io.authtier.operator.api.v1alpha1;

/** How an external Redis is reached. */
public enum RedisTopology { Standalone, Cluster }
