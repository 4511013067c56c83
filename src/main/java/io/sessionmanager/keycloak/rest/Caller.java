package io.sessionmanager.keycloak.rest;

import org.keycloak.models.UserModel;

/** The authenticated user behind a request and the Keycloak session its token belongs to. */
record Caller(UserModel user, String sessionId) {
}
