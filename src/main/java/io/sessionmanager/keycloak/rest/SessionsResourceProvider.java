package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.http.MalformedContentTypeResource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

public final class SessionsResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    SessionsResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return MalformedContentTypeResource.orElse(session, session.getContext().getRealm(),
                () -> new SessionsResource(session));
    }

    @Override
    public void close() {
    }
}
