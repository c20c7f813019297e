package io.authtier.runtime.config;

/** The session cookie's {@code SameSite} attribute; constant names are the attribute values. */
public enum SameSite {
    Strict, Lax, None
}
