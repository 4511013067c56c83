// End-to-end test of the "Signed-in sessions" page in a real Chromium, against a running Keycloak.
// Run by AccountConsoleIT (mvn verify), which prepares the realm and passes it in the environment.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "./chromium.mjs";

const { BASE_URL, REALM, USERNAME, PASSWORD, GERMAN_USERNAME, OTHER_USERNAME, PASSKEY_USERNAME, SCREENSHOT, MAIL_URL,
  RECENT_SIGN_IN_REALM } = process.env;
const account = `${BASE_URL}/realms/${REALM}/account`;
const sessionsPage = `${account}/account-security/sessions`;
const WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
/** The smallest phone the page is made for. */
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, userAgent: IPHONE_SAFARI, locale: "en-US" };
/**
 * Steps that test only the page's own code (the same built bundle on every Keycloak): run on the
 * newest Keycloak, skipped where SERVER_DEPENDENT_ONLY asks for what differs between servers.
 */
const BUNDLE_ONLY = { skip: process.env.SERVER_DEPENDENT_ONLY === "true" && "the bundle's own behaviour" };
const HOSTILE_USER_AGENT = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> EvilBrowser/1.0`;

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

/** A new device: its own cookies, signed in through Keycloak's real login page. */
async function signIn(username = USERNAME, userAgent = WINDOWS_CHROME) {
  const context = await browser.newContext({ locale: "en-US", userAgent, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(account);
  await fillLogin(page, username);
  return page;
}

/** Fills in and sends Keycloak's login form (which may ask for more next). */
async function submitLogin(page, username) {
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("#kc-login");
}

async function fillLogin(page, username) {
  await submitLogin(page, username);
  await page.waitForURL((url) => url.href.startsWith(account) && !url.searchParams.has("code"));
}

/** The rows of the tab on show (PatternFly keeps the other tab mounted, hidden). */
const visibleSessions = (page) => page.locator("[data-testid=session]:visible");
const otherDevice = (page) => visibleSessions(page).filter({ hasNot: page.locator("[data-testid=this-device]") });

async function openSessions(page) {
  await page.goto(sessionsPage);
  await visibleSessions(page).first().waitFor();
}

async function expectRows(page, count) {
  for (let i = 0; i < 100 && (await visibleSessions(page).count()) !== count; i++) {
    await page.waitForTimeout(100);
  }
  assert.equal(await visibleSessions(page).count(), count);
}

async function confirm(page) {
  await page.getByRole("dialog").waitFor();
  await page.locator("[data-testid=confirm]").click();
}

const tokenEndpoint = (realm = REALM) => `${BASE_URL}/realms/${realm}/protocol/openid-connect/token`;

/** A sign-in without a browser (password grant); returns the tokens. */
async function signInWithUserAgent(userAgent, username = USERNAME, realm = REALM) {
  const response = await fetch(tokenEndpoint(realm), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": userAgent },
    body: new URLSearchParams({ grant_type: "password", client_id: "test-app", username, password: PASSWORD }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

function refresh(refreshToken, realm = REALM) {
  return fetch(tokenEndpoint(realm), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", client_id: "test-app", refresh_token: refreshToken }),
  });
}

/** The mails the test's SMTP server received for an address, waiting for the first. */
async function mailsTo(address) {
  for (let i = 0; i < 100; i++) {
    const mails = await (await fetch(`${MAIL_URL}?to=${encodeURIComponent(address)}`)).json();
    if (mails.length) {
      return mails;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`no mail to ${address}`);
}

async function screenshot(page, name) {
  if (SCREENSHOT) {
    await page.screenshot({ path: SCREENSHOT.replace(/account-sessions\.png$/, name), fullPage: true });
  }
}

/** Whether a user can use an element: inside the page's width and not covered by anything. */
async function reachable(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box || box.x < 0 || box.x + box.width > page.viewportSize().width) {
    return false;
  }
  return locator.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    return element.contains(document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2));
  });
}

test("a device revokes another; the other lands on the login page; history says why", async () => {
  const b = await signIn(USERNAME, IPHONE_SAFARI);
  const a = await signIn();

  await openSessions(a);
  await expectRows(a, 2);
  await a.getByText("Mobile Safari 17 on iOS 17.2").waitFor();
  assert.equal(await visibleSessions(a).locator("[data-testid=this-device]").count(), 1);
  assert.equal(await visibleSessions(a).locator("[data-testid=new-device]").count(), 1);
  await a.getByRole("link", { name: "Signed-in sessions" }).waitFor();
  if (SCREENSHOT) {
    await a.screenshot({ path: SCREENSHOT, fullPage: true });
  }

  await otherDevice(a).locator("[data-testid=revoke]").click();
  await confirm(a);
  await expectRows(a, 1);

  await b.goto(account);
  await b.locator("#kc-login").waitFor();

  await a.getByRole("tab", { name: "History" }).click();
  const ended = visibleSessions(a).filter({ has: a.locator("[data-testid=end-reason]") });
  await ended.first().waitFor();
  assert.equal(await ended.locator("[data-testid=end-reason]").first().textContent(), "Revoked by you");
  await a.context().close();
  await b.context().close();
});

test("a hostile user agent is shown as text, never run", BUNDLE_ONLY, async () => {
  await signInWithUserAgent(HOSTILE_USER_AGENT);
  const page = await signIn();
  await openSessions(page);

  const userAgents = page.locator("[data-testid=user-agent]");
  await userAgents.filter({ hasText: "EvilBrowser" }).first().waitFor();
  assert.ok((await userAgents.allTextContents()).includes(HOSTILE_USER_AGENT));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator("main img[src=x]").count(), 0);
  await page.context().close();
});

test("sign out other devices keeps this one; sign out everywhere ends it on the login page", async () => {
  const a = await signIn();
  await signIn();
  await openSessions(a);

  await a.locator("[data-testid=sign-out-others]").click();
  await confirm(a);
  await expectRows(a, 1);
  assert.equal(await visibleSessions(a).locator("[data-testid=this-device]").count(), 1);
  await a.getByRole("tab", { name: "History" }).click();
  await visibleSessions(a).locator("[data-testid=end-reason]", { hasText: "Signed out from another device" }).first().waitFor();
  await a.getByRole("tab", { name: "Active" }).click();

  await a.locator("[data-testid=sign-out-everywhere]").click();
  await confirm(a);
  await a.locator("#kc-login").waitFor();
  await a.goto(sessionsPage);
  await a.locator("#kc-login").waitFor();
  await a.context().close();
});

test("the page speaks the user's language", async () => {
  const page = await signIn(GERMAN_USERNAME);
  await openSessions(page);

  await page.getByRole("heading", { name: "Angemeldete Sitzungen" }).waitFor();
  await page.getByRole("button", { name: "\u00DCberall abmelden" }).waitFor();
  assert.equal(await visibleSessions(page).first().locator("[data-testid=device-info]").innerText(), "Chrome 131 unter Windows 10");
  await page.context().close();

  // A user without a language of their own, asking for German in the address, as on the login pages.
  const english = await signIn();
  await english.goto(`${sessionsPage}?kc_locale=de`);
  await english.getByRole("heading", { name: "Angemeldete Sitzungen" }).waitFor();
  await english.locator("[data-testid=device-info]", { hasText: "Chrome 131 unter Windows 10" }).first().waitFor();
  await english.context().close();
});

test("the revoke button and its confirmation work from the keyboard", BUNDLE_ONLY, async () => {
  const page = await signIn();
  await signIn();
  await openSessions(page);

  await otherDevice(page).locator("[data-testid=revoke]").first().focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog").waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  assert.ok((await visibleSessions(page).count()) >= 2);
  await page.context().close();
});

test("Keycloak's Device activity page leads to the sessions page, and is not in the menu", async () => {
  const page = await signIn();
  await page.goto(`${account}/account-security/device-activity`);
  await page.waitForURL(sessionsPage);
  await visibleSessions(page).first().waitFor();
  assert.equal(await page.getByRole("link", { name: "Device activity" }).count(), 0);
  await page.context().close();
});

test("a second user signing in through the same browser gets a session of their own", async () => {
  const page = await signIn();
  await openSessions(page);
  await page.locator("[data-testid=sign-out-everywhere]").click();
  await confirm(page);
  await page.locator("#kc-login").waitFor();

  await fillLogin(page, OTHER_USERNAME);
  await openSessions(page);
  await expectRows(page, 1);
  assert.equal(await visibleSessions(page).locator("[data-testid=this-device]").count(), 1);
  await page.getByRole("tab", { name: "History" }).click();
  await page.getByText("No ended sessions").waitFor();
  assert.equal(await visibleSessions(page).count(), 0);

  await page.getByRole("tab", { name: "Active" }).click();
  await page.locator("[data-testid=sign-out-everywhere]").click();
  await confirm(page);
  await page.locator("#kc-login").waitFor();
  await page.context().close();
});

/** The element's box, as the user sees it. */
const box = (locator) => locator.evaluate((element) => {
  const { left, top, right, bottom, width } = element.getBoundingClientRect();
  return { left, top, right, bottom, width };
});

/** What a 360 px phone must show whole, in each language: titles, buttons, details. */
async function assertFitsAPhone(page, language) {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${language}: no sideways scrolling`);
  const [others, everywhere] = [await box(page.locator("[data-testid=sign-out-others]")), await box(page.locator("[data-testid=sign-out-everywhere]"))];
  assert.ok(others.top === everywhere.top || (others.left === everywhere.left && others.width === everywhere.width),
    `${language}: the two buttons share a row or stack aligned: ${JSON.stringify([others, everywhere])}`);
  const card = await box(visibleSessions(page).first());
  const details = await box(visibleSessions(page).first().locator("[data-testid=details]"));
  assert.ok(details.width >= 0.85 * card.width, `${language}: the details use the card's width: ${details.width} of ${card.width}`);
  for (const action of ["sign-out-others", "sign-out-everywhere"]) {
    assert.ok(await reachable(page, page.locator(`[data-testid=${action}]`)), `${language}: ${action} reachable`);
  }
  assert.ok(await reachable(page, visibleSessions(page).locator("[data-testid=revoke]").first()), `${language}: a row's revoke reachable`);
  for (const action of ["revoke", "sign-out-others", "sign-out-everywhere"]) {
    await page.locator(`[data-testid=${action}]`).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    const title = dialog.locator(".pf-v5-c-modal-box__title-text");
    assert.ok(await title.evaluate((element) => element.scrollWidth <= element.clientWidth), `${language}: ${action}'s title is whole`);
    for (const button of await dialog.getByRole("button").all()) {
      const { left, right } = await box(button);
      assert.ok(left >= 0 && right <= page.viewportSize().width, `${language}: ${action}'s "${await button.innerText()}" is on the screen`);
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  }
}

test("on a phone, in English and German, the page and its dialogs fit, and the menu opens and closes", BUNDLE_ONLY, async () => {
  for (const [language, username] of [["en", USERNAME], ["de", GERMAN_USERNAME]]) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(account);
    await fillLogin(page, username);
    await openSessions(page);
    await screenshot(page, language === "en" ? "account-sessions-phone.png" : "account-sessions-phone-de.png");
    await assertFitsAPhone(page, language);
    if (language === "en") {
      const menuLink = page.getByRole("link", { name: "Signed-in sessions" });
      assert.equal(await menuLink.isVisible(), false, "menu closed");
      await page.locator("[data-testid=nav-toggle]").click();
      await menuLink.waitFor();
      await page.getByRole("link", { name: "Personal info" }).click();
      await menuLink.waitFor({ state: "hidden" });
    } else {
      assert.match(await visibleSessions(page).first().locator("[data-testid=device-info]").innerText(), /^Mobile Safari 17 unter iOS 17\.2$/);
      // What a button did is said in the page, under the buttons, never over the heading.
      await page.locator("[data-testid=sign-out-others]").click();
      await confirm(page);
      const notice = await box(page.locator("[data-testid=notice]"));
      const heading = await box(page.getByRole("heading", { level: 1 }));
      assert.ok(notice.top >= heading.bottom, `the notice is below the heading: ${JSON.stringify([notice, heading])}`);
    }
    await context.close();
  }
});

test("\"This wasn't me\" in the new-device email ends every session, shows no password form, and the next sign-in chooses one", async () => {
  const own = await signIn(OTHER_USERNAME);
  const intruder = await signInWithUserAgent(FIREFOX_LINUX, OTHER_USERNAME);
  const mail = (await mailsTo(`${OTHER_USERNAME}@example.org`)).at(-1);
  assert.equal(mail.subject, "New sign-in from Firefox 121 on Linux");
  const reader = await browser.newContext({ viewport: { width: 720, height: 600 } });
  const mailPage = await reader.newPage();
  await mailPage.setContent(mail.html);
  await screenshot(mailPage, "new-device-mail.png");
  const link = await mailPage.getByRole("link", { name: "This wasn't me" }).getAttribute("href");
  await reader.close();

  const phone = await (await browser.newContext(PHONE)).newPage();
  await phone.goto(link);
  await phone.getByText("This ends the session signed in from Firefox 121 on Linux").waitFor();
  assert.equal((await refresh(intruder.refresh_token)).status, 200, "nothing ends before confirming");
  // Someone may know the password: every session ends, and the next real sign-in chooses a new one.
  await phone.getByRole("button", { name: "End every session" }).click();
  await phone.getByText("The next time you sign in, you will be asked to choose a new password").waitFor();
  assert.equal(await phone.locator("#password-new").count(), 0);
  const refused = await refresh(intruder.refresh_token);
  assert.equal(refused.status, 400);
  assert.equal((await refused.json()).error, "invalid_grant");

  // The user's own browser was signed out too.
  await own.goto(sessionsPage);
  await own.locator("#kc-login").waitFor();

  // The page leads on: Keycloak asks for the password, then for a new one, and the sessions page follows.
  await phone.getByRole("link", { name: /Back to Application/ }).click();
  await submitLogin(phone, OTHER_USERNAME);
  await phone.fill("#password-new", "chosen-after-the-report");
  await phone.fill("#password-confirm", "chosen-after-the-report");
  await phone.locator("#kc-passwd-update-form [type=submit]").click();
  await visibleSessions(phone).first().waitFor();
  await phone.getByRole("tab", { name: "History" }).click();
  await visibleSessions(phone).locator("[data-testid=end-reason]", { hasText: "Reported as not you" }).waitFor();

  const again = await (await browser.newContext()).newPage();
  const reused = await again.goto(link);
  assert.equal(reused.status(), 400);
  await again.locator("#kc-error-message").waitFor();
  await phone.context().close();
  await again.context().close();
  await own.context().close();
});

test("registering a passkey signs the user's other devices out, and keeps this one", async () => {
  const other = await signInWithUserAgent(FIREFOX_LINUX, PASSKEY_USERNAME);
  const page = await signIn(PASSKEY_USERNAME);
  // Chromium's virtual authenticator (DevTools' WebAuthn domain) answers as a platform passkey would.
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("WebAuthn.enable");
  await devtools.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });
  page.on("dialog", (dialog) => dialog.accept("test passkey"));
  const callback = "http://localhost/callback";

  // What the account console's "Set up passkey" starts: Keycloak's passkey registration as an application-initiated action.
  await page.goto(`${BASE_URL}/realms/${REALM}/protocol/openid-connect/auth?client_id=test-app&response_type=code`
    + `&scope=openid&redirect_uri=${encodeURIComponent(callback)}&kc_action=webauthn-register-passwordless`);
  // Keycloak's redirect back to the application is the proof. Playwright routes no redirect, so that
  // page fails to load (nothing listens on port 80): the sessions page opens in a new tab of this browser.
  const backInTheApplication = page.waitForRequest((request) => request.url().startsWith(callback));
  await page.locator("#registerWebAuthn").click();
  await backInTheApplication;

  const refused = await refresh(other.refresh_token);
  assert.equal(refused.status, 400);
  assert.equal((await refused.json()).error, "invalid_grant");
  const tab = await page.context().newPage();
  await openSessions(tab);
  await expectRows(tab, 1);
  await tab.getByRole("tab", { name: "History" }).click();
  await visibleSessions(tab).locator("[data-testid=end-reason]",
    { hasText: "Ended because a sign-in method was added or removed" }).waitFor();
  await page.context().close();
});

for (const [device, options, which] of [
  ["a computer", { viewport: { width: 1280, height: 860 }, userAgent: WINDOWS_CHROME, locale: "en-US" }, {}],
  ["a 360 px phone", PHONE, BUNDLE_ONLY],
]) {
  test(`on ${device}, "Sign out everywhere" after an older sign-in asks for the password, then finishes`, which, async () => {
    // This realm asks for a sign-in at most 3 s old before sessions end (reauthenticateWithin PT3S).
    const other = await signInWithUserAgent(FIREFOX_LINUX, USERNAME, RECENT_SIGN_IN_REALM);
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const sessions = `${BASE_URL}/realms/${RECENT_SIGN_IN_REALM}/account/account-security/sessions`;
    await page.goto(sessions);
    await page.fill("#username", USERNAME);
    await page.fill("#password", PASSWORD);
    await page.click("#kc-login");
    await visibleSessions(page).first().waitFor();
    await page.waitForTimeout(3500);

    await page.locator("[data-testid=sign-out-everywhere]").click();
    await confirm(page);
    // Keycloak's login page, asking this user for the password only.
    await page.locator("#password").waitFor();
    assert.equal(await page.locator("#username").count(), 0);
    assert.equal((await refresh(other.refresh_token, RECENT_SIGN_IN_REALM)).status, 200, "nothing ends before signing in again");
    await page.fill("#password", PASSWORD);
    await page.click("#kc-login");

    // Back on the page, the sign-out finishes: every session ends, this one too, and the login page follows.
    await page.locator("#username").waitFor();
    const refused = await refresh(other.refresh_token, RECENT_SIGN_IN_REALM);
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).error, "invalid_grant");
    await context.close();
  });
}
