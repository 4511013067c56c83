package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
class SmokeIT {
    @Test
    void smoke(KeycloakServer server) {
        TestRealm realm = TestRealm.create(server, "smoke");
        realm.createUser("alice");
        Tokens t = realm.login("alice");
        Tokens b = realm.browserLogin("alice", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36");
        Tokens o = realm.loginOffline("alice");
        Http.Reply r = Http.get(realm.sessionsUrl(), t.accessToken());
        System.out.println("LIST " + r.status() + " " + r.body());
        System.out.println("405 " + Http.send(Http.request(realm.sessionsUrl()).header("Authorization", "Bearer " + t.accessToken()).PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).body());
        System.out.println("NOAUTH " + Http.get(realm.sessionsUrl(), null).status()+ " " + Http.get(realm.sessionsUrl(), null).raw().headers().map());
        System.out.println("INTRO " + realm.introspect(t.accessToken()));
        System.out.println("UI " + realm.userinfo(t.accessToken()).status());
        System.out.println("REFRESH " + realm.refresh(t.refreshToken()).status());
        String id = r.json().get(1).path("id").asText();
        System.out.println("DEL " + Http.delete(realm.sessionsUrl() + "/" + id, t.accessToken()).status());
        System.out.println("LIST2 " + Http.get(realm.sessionsUrl(), t.accessToken()).body());
        System.out.println("HIST " + Http.get(realm.sessionsUrl() + "/history", t.accessToken()).body());
    }
}
