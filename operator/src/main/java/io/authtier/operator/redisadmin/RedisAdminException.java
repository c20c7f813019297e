package io.authtier.operator.redisadmin;

/** A cluster command failed; the message names the node and the action, never a password. */
public final class RedisAdminException extends RuntimeException {

  public RedisAdminException(String message, Throwable cause) {
    super(message, cause);
  }
}
