package io.sessionmanager.keycloak.model;

/** Whether a sign-in holds only an online Keycloak session or also an offline one (offline_access). */
public enum SessionType {
    ONLINE,
    OFFLINE
}
