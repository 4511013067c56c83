package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.http.ApiError;

import java.util.List;

/** The {@code first}/{@code max} query parameters, checked: malformed values are a 400, not a default. */
public record Page(int first, int max) {

    public static final int DEFAULT_MAX = 100;
    public static final int MAX_MAX = 1000;

    public static Page parse(String first, String max) {
        return new Page(parse("first", first, 0, 0, Integer.MAX_VALUE), parse("max", max, DEFAULT_MAX, 1, MAX_MAX));
    }

    public <T> List<T> of(List<T> items) {
        if (first >= items.size()) {
            return List.of();
        }
        return items.subList(first, Math.min(items.size(), first + max));
    }

    private static int parse(String name, String value, int defaultValue, int min, int max) {
        if (value == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("'" + name + "' must be an integer from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw ApiError.badRequest("'" + name + "' must be an integer from " + min + " to " + max);
        }
        return parsed;
    }
}
