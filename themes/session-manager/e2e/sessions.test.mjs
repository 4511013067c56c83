// End-to-end test of the "Signed-in sessions" page in a real Chromium, against a running Keycloak.
// Run by AccountConsoleIT (mvn verify), which prepares the realm and passes it in the environment.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const { BASE_URL, REALM, USERNAME, PASSWORD, GERMAN_USERNAME, OTHER_USERNAME, SCREENSHOT, CHROMIUM = "/usr/bin/chromium" } =
  process.env;
const account = `${BASE_URL}/realms/${REALM}/account`;
const sessionsPage = `${account}/account-security/sessions`;
const WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
const HOSTILE_USER_AGENT = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> EvilBrowser/1.0`;

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
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

async function fillLogin(page, username) {
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("#kc-login");
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

async function signInWithUserAgent(userAgent) {
  const response = await fetch(`${BASE_URL}/realms/${REALM}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": userAgent },
    body: new URLSearchParams({ grant_type: "password", client_id: "test-app", username: USERNAME, password: PASSWORD }),
  });
  assert.equal(response.status, 200);
}

test("a device revokes another; the other lands on the login page; history says why", async () => {
  const b = await signIn(USERNAME, IPHONE_SAFARI);
  const a = await signIn();

  await openSessions(a);
  await expectRows(a, 2);
  await a.getByText("Mobile Safari 17 on iOS 17.2").waitFor();
  assert.equal(await visibleSessions(a).locator("[data-testid=this-device]").count(), 1);
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

test("a hostile user agent is shown as text, never run", async () => {
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
  await page.context().close();
});

test("the revoke button and its confirmation work from the keyboard", async () => {
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
