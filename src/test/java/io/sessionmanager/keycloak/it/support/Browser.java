package io.sessionmanager.keycloak.it.support;

import org.keycloak.models.utils.TimeBasedOTP;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device with a browser: its own cookies and user agent, going through Keycloak's real login
 * pages (authorization request, forms, redirect back with a code, code exchange).
 */
public final class Browser {

    private static final Pattern SESSION_CODE = Pattern.compile("name=\"session_code\" value=\"([^\"]+)\"");
    private static final Pattern TOTP_SECRET = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"");
    private static final Pattern FORGOT_PASSWORD_LINK = Pattern.compile("href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"");

    private final TestRealm realm;
    private final String userAgent;
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieJar())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Browser(TestRealm realm, String userAgent) {
        this.realm = realm;
        this.userAgent = userAgent;
    }

    /** Signs in through the login form. */
    public Tokens login(String username, String password) {
        return loginWith("", username, password);
    }

    /** Signs in through the login form even if the browser has a session ({@code prompt=login}), maybe as someone else. */
    public Tokens loginAgain(String username, String password) {
        return loginWith("&prompt=login", username, password);
    }

    /** Signs in where this browser is signed in already, asking Keycloak for a sign-in at most {@code maxAge} seconds old (RFC 9470). */
    public Tokens signInAgain(String username, String password, long maxAge) {
        return loginWith("&max_age=" + maxAge, username, password);
    }

    /** Signs in through the realm's identity provider {@code alias}: its login form, then back to this realm. */
    public Tokens loginThrough(String alias, String username, String password) {
        return loginWith("&kc_idp_hint=" + alias, username, password);
    }

    private Tokens loginWith(String extra, String username, String password) {
        Http.Reply page = get(authorizationUrl(extra));
        return finish(post(formAction(page, "kc-form-login"), Map.of("username", username, "password", password)));
    }

    /** Signs in through the login form, then sets a new password where Keycloak asks for one (a required action). */
    public Tokens loginUpdatingPassword(String username, String password, String newPassword) {
        Http.Reply page = get(authorizationUrl(""));
        Http.Reply asked = post(formAction(page, "kc-form-login"), Map.of("username", username, "password", password));
        return finish(post(formAction(asked, "kc-passwd-update-form"),
                Map.of("password-new", newPassword, "password-confirm", newPassword)));
    }

    /** Whether Keycloak lets this browser in again by its SSO cookie alone, without asking for a password. */
    public boolean signsInBySso() {
        Http.Reply reply = get(authorizationUrl(""));
        String location = reply.header("Location");
        return reply.status() == 302 && location != null && location.startsWith(TestRealm.REDIRECT_URI);
    }

    /** The update-password form the account console opens, as the user reads it before changing anything. */
    public String updatePasswordForm() {
        return get(authorizationUrl("&kc_action=UPDATE_PASSWORD")).body();
    }

    /** Changes the password the way the account console does: an application-initiated UPDATE_PASSWORD action. */
    public Tokens changePassword(String newPassword) {
        Http.Reply page = get(authorizationUrl("&kc_action=UPDATE_PASSWORD"));
        return finish(post(formAction(page, "kc-passwd-update-form"),
                Map.of("password-new", newPassword, "password-confirm", newPassword)));
    }

    /**
     * Adds an authenticator app the way the account console does (an application-initiated
     * CONFIGURE_TOTP action), answering with the code the app would show, and leaves Keycloak's
     * "sign out other devices" box unticked.
     */
    public Tokens configureOtp(String deviceName) {
        Http.Reply page = get(authorizationUrl("&kc_action=CONFIGURE_TOTP"));
        Matcher secret = TOTP_SECRET.matcher(page.body());
        if (!secret.find()) {
            throw new AssertionError("No OTP secret on the page: " + page.status() + " " + page.body());
        }
        String code = new TimeBasedOTP().generateTOTP(secret.group(1));
        return finish(post(formAction(page, "kc-totp-settings-form"),
                Map.of("totp", code, "totpSecret", secret.group(1), "userLabel", deviceName)));
    }

    /** Asks for a password-reset email from the login page's "Forgot password?" link. */
    public void requestPasswordReset(String username) {
        Http.Reply login = get(authorizationUrl(""));
        Matcher link = FORGOT_PASSWORD_LINK.matcher(login.body());
        if (!link.find()) {
            throw new AssertionError("No forgot-password link on the login page");
        }
        Http.Reply form = get(absolute(unescape(link.group(1))));
        Http.Reply sent = post(formAction(form, "kc-reset-password-form"), Map.of("username", username));
        if (sent.status() != 200) {
            throw new AssertionError("Reset request failed: " + sent.status() + " " + sent.body());
        }
    }

    /** Follows the emailed reset link and sets a new password; ends signed in. */
    public Tokens resetPassword(String emailedLink, String newPassword) {
        Http.Reply page = get(emailedLink);
        return finish(post(formAction(page, "kc-passwd-update-form"),
                Map.of("password-new", newPassword, "password-confirm", newPassword)));
    }

    /** Opens a link, as from an email, following Keycloak's redirects between its pages. */
    public Http.Reply open(String url) {
        return get(url);
    }

    /** The confirmation form on the page a "This wasn't me" link opens: where it posts, and its one-time code. */
    public record NotMeForm(String action, String sessionCode) {
    }

    public NotMeForm notMeForm(Http.Reply page) {
        Matcher code = SESSION_CODE.matcher(page.body());
        if (!code.find()) {
            throw new AssertionError("No confirmation form on the page: " + page.status() + " " + page.body());
        }
        return new NotMeForm(formAction(page, "kc-not-me-form"), code.group(1));
    }

    /** Presses "End that session" ({@code reported}) or "End every session" ({@code all}), from this browser. */
    public Http.Reply submit(NotMeForm form, String button) {
        return post(form.action(), Map.of("session_code", form.sessionCode(), "end", button));
    }

    /** Presses "End that session" on the page a "This wasn't me" link opens. */
    public Http.Reply confirmNotMe(Http.Reply page) {
        return submit(notMeForm(page), "reported");
    }

    /** Fills in Keycloak's update-password page. */
    public Http.Reply updatePassword(Http.Reply page, String newPassword) {
        return post(formAction(page, "kc-passwd-update-form"),
                Map.of("password-new", newPassword, "password-confirm", newPassword));
    }

    private String authorizationUrl(String extra) {
        return realm.url() + "/protocol/openid-connect/auth?client_id=" + TestRealm.APP
                + "&response_type=code&scope=openid&redirect_uri=" + Http.encode(TestRealm.REDIRECT_URI) + extra;
    }

    /** Expects the redirect back to the application and exchanges its code for tokens. */
    private Tokens finish(Http.Reply reply) {
        String location = reply.header("Location");
        if (reply.status() != 302 || location == null || !location.startsWith(TestRealm.REDIRECT_URI)) {
            throw new AssertionError("Expected a redirect back to the app, got " + reply.status() + " " + reply.body());
        }
        String code = query(location).get("code");
        Http.Reply tokens = post(realm.url() + "/protocol/openid-connect/token", Map.of("grant_type",
                "authorization_code", "client_id", TestRealm.APP, "code", code, "redirect_uri", TestRealm.REDIRECT_URI));
        if (tokens.status() != 200) {
            throw new AssertionError("Code exchange failed: " + tokens.status() + " " + tokens.body());
        }
        return Tokens.of(tokens.json());
    }

    private Http.Reply get(String url) {
        return followWithinKeycloak(Http.send(client, Http.request(url).header("User-Agent", userAgent).GET().build()));
    }

    private Http.Reply post(String url, Map<String, String> form) {
        return followWithinKeycloak(Http.send(client, Http.request(url).header("User-Agent", userAgent)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(Http.form(form)).build()));
    }

    /** Follows Keycloak's redirects between its own pages; stops at the redirect back to the application. */
    private Http.Reply followWithinKeycloak(Http.Reply reply) {
        for (int hops = 0; hops < 10; hops++) {
            String location = reply.header("Location");
            if (reply.status() / 100 != 3 || location == null || location.startsWith(TestRealm.REDIRECT_URI)) {
                return reply;
            }
            reply = Http.send(client, Http.request(absolute(location)).header("User-Agent", userAgent).GET().build());
        }
        throw new AssertionError("Too many redirects");
    }

    private String formAction(Http.Reply page, String formId) {
        Matcher form = Pattern.compile("<form[^>]*id=\"" + formId + "\"[^>]*>").matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("No form " + formId + " on the page: " + page.status() + " " + page.body());
        }
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.group());
        if (!action.find()) {
            throw new AssertionError("Form " + formId + " has no action");
        }
        return absolute(unescape(action.group(1)));
    }

    private String absolute(String url) {
        return url.startsWith("/") ? realm.server().baseUrl() + url : url;
    }

    static String unescape(String html) {
        return html.replace("&amp;", "&");
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
