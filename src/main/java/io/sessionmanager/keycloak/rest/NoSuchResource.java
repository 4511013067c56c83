package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.http.ApiError;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.RealmModel;

/**
 * Whatever lies under an API's path without naming anything in it: the SPEC's JSON {@code 404}
 * for every method, rather than the framework's own error body.
 */
@Produces(MediaType.APPLICATION_JSON)
public final class NoSuchResource {

    private final RealmModel realm;

    NoSuchResource(RealmModel realm) {
        this.realm = realm;
    }

    @GET
    public Response get() {
        return notFound();
    }

    @POST
    public Response post() {
        return notFound();
    }

    @PUT
    public Response put() {
        return notFound();
    }

    @DELETE
    public Response delete() {
        return notFound();
    }

    @PATCH
    public Response patch() {
        return notFound();
    }

    @OPTIONS
    public Response options() {
        return notFound();
    }

    private Response notFound() {
        return ApiError.notFound("No such resource").toResponse(realm.getName());
    }
}
