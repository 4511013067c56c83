package io.sessionmanager.keycloak.it.support;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldif.LDIFException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * An LDAP directory in the test's JVM (UnboundID's in-memory server), the user federation of a
 * realm through Keycloak's own LDAP provider: users live in the directory, and whether they are
 * enabled is the directory's say, as Active Directory's {@code userAccountControl} tells it
 * (Keycloak's MSAD account control mapper, reading it on every use). Keycloak hears of no change
 * made there.
 */
public final class Directory implements AutoCloseable {

    private static final String BASE = "dc=example,dc=org";
    private static final String USERS = "ou=users," + BASE;
    private static final String BIND_DN = "cn=keycloak";
    private static final String BIND_SECRET = "directory-secret";
    /** Active Directory's "normal account", and with the "account disabled" flag (2). */
    private static final String ENABLED = "512";
    private static final String DISABLED = "514";

    private final InMemoryDirectoryServer server;

    private Directory(InMemoryDirectoryServer server) {
        this.server = server;
    }

    public static Directory start() {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
            config.setSchema(null);
            config.addAdditionalBindCredentials(BIND_DN, BIND_SECRET);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
                    InetAddress.getByName("127.0.0.1"), 0, null));
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            server.startListening();
            server.add("dn: " + BASE, "objectClass: domain", "dc: example");
            server.add("dn: " + USERS, "objectClass: organizationalUnit", "ou: users");
            return new Directory(server);
        } catch (LDAPException | LDIFException | UnknownHostException e) {
            throw new IllegalStateException("the in-memory directory did not start", e);
        }
    }

    /** Makes the directory {@code realm}'s user federation, read-only, never cached. */
    public void federate(TestRealm realm) {
        String components = "/" + realm.name() + "/components";
        Http.Reply created = realm.admin().mustPost(components, Map.of(
                "name", "directory",
                "providerId", "ldap",
                "providerType", "org.keycloak.storage.UserStorageProvider",
                "parentId", realm.id(),
                "config", Map.ofEntries(
                        Map.entry("enabled", List.of("true")),
                        Map.entry("vendor", List.of("other")),
                        Map.entry("connectionUrl", List.of("ldap://127.0.0.1:" + server.getListenPort())),
                        Map.entry("usersDn", List.of(USERS)),
                        Map.entry("authType", List.of("simple")),
                        Map.entry("bindDn", List.of(BIND_DN)),
                        Map.entry("bindCredential", List.of(BIND_SECRET)),
                        Map.entry("usernameLDAPAttribute", List.of("uid")),
                        Map.entry("rdnLDAPAttribute", List.of("uid")),
                        Map.entry("uuidLDAPAttribute", List.of("entryUUID")),
                        Map.entry("userObjectClasses", List.of("inetOrgPerson")),
                        Map.entry("editMode", List.of("READ_ONLY")),
                        Map.entry("importEnabled", List.of("true")),
                        Map.entry("searchScope", List.of("1")),
                        Map.entry("pagination", List.of("false")),
                        Map.entry("trustEmail", List.of("true")),
                        Map.entry("cachePolicy", List.of("NO_CACHE")))));
        String location = created.header("Location");
        realm.admin().mustPost(components, Map.of(
                "name", "account state",
                "providerId", "msad-user-account-control-mapper",
                "providerType", "org.keycloak.storage.ldap.mappers.LDAPStorageMapper",
                "parentId", location.substring(location.lastIndexOf('/') + 1),
                "config", Map.of("always.read.enabled.value.from.ldap", List.of("true"))));
    }

    /** A user of the directory, enabled, with a complete profile and {@link TestRealm#PASSWORD}. */
    public void addUser(String username) {
        change(() -> server.add("dn: " + dn(username), "objectClass: inetOrgPerson", "uid: " + username,
                "cn: " + username, "sn: Tester", "mail: " + username + "@example.org",
                "userPassword: " + TestRealm.PASSWORD, "userAccountControl: " + ENABLED));
    }

    /** Disables or enables the user in the directory, as its administrator would. */
    public void setEnabled(String username, boolean enabled) {
        change(() -> server.modify(dn(username),
                new Modification(ModificationType.REPLACE, "userAccountControl", enabled ? ENABLED : DISABLED)));
    }

    private static String dn(String username) {
        return "uid=" + username + "," + USERS;
    }

    private interface Change {
        void make() throws LDAPException, LDIFException;
    }

    private static void change(Change change) {
        try {
            change.make();
        } catch (LDAPException | LDIFException e) {
            throw new IllegalStateException("the directory refused a change", e);
        }
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
