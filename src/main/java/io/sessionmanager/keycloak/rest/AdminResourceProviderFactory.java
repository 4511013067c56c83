package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.http.MalformedContentTypeResource;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts the admin API at {@code /admin/realms/{realm}/}{@value #PROVIDER_ID}. */
public class AdminResourceProviderFactory
        implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider, OnSupportedKeycloak {

    public static final String PROVIDER_ID = "session-manager";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return MalformedContentTypeResource.orElse(session, realm, () -> new AdminResource(session, realm, auth, adminEvent));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
