package io.authtier.runtime.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Enum values as the file writes them: exactly the constant's name. A value that differs only in case is
 * still refused (the operator renders exact names, and one spelling keeps files greppable) but the message
 * says which name was meant.
 */
final class ConfigEnums {

    private ConfigEnums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException("'%s' is not valid; did you mean '%s'?".formatted(text, constant.name()));
            }
        }
        throw new IllegalArgumentException("'%s' is not one of %s".formatted(text, names(type)));
    }

    static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
