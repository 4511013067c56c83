// End-to-end test of the "Session manager" tab under Realm settings in Keycloak's admin console, in a
// real Chromium. Run by AdminConsoleIT (mvn verify), which prepares the realm and its admins.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "./chromium.mjs";

const { BASE_URL, REALM, ADMIN, GERMAN_ADMIN, PASSWORD, SCREENSHOT, KEYCLOAK_VERSION } = process.env;
/** Keycloak 26.4's number fields have no "required" rule of their own, and send nothing when empty. */
const NUMBERS_CHECKED_AT_THE_FIELD = !KEYCLOAK_VERSION?.startsWith("26.4.");
const tab = `${BASE_URL}/admin/${REALM}/console/#/${REALM}/realm-settings/session-manager`;
const configUrl = `${BASE_URL}/admin/realms/${REALM}/session-manager/config`;

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

/** The tab, opened by one of the realm's own admins through Keycloak's login page. */
async function openTab(username, locale = "en-US") {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 760 } });
  const page = await context.newPage();
  await page.goto(tab);
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("#kc-login");
  await page.locator("[data-testid=maxInactivity]").waitFor();
  return page;
}

async function save(page) {
  await page.click("[data-testid=save]");
  const alert = page.locator("[data-testid=global-alerts] li").last();
  await alert.waitFor();
  return alert.innerText();
}

async function adminToken() {
  const response = await fetch(`${BASE_URL}/realms/${REALM}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: ADMIN, password: PASSWORD }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).access_token;
}

/** A duration's unit, or the choice, as its list shows it. */
const selected = (page, name) => page.locator(`#${name}`).innerText();

async function choose(page, name, option) {
  await page.click(`#${name}`);
  await page.getByRole("option", { name: option, exact: true }).click();
}

async function policy() {
  const response = await fetch(configUrl, { headers: { Authorization: `Bearer ${await adminToken()}` } });
  assert.equal(response.status, 200);
  return response.json();
}

test("a change in the tab is the policy the admin API reads, and a change through the API shows in the tab", async () => {
  const page = await openTab(ADMIN);
  assert.ok(await page.getByRole("tab", { name: "Session manager" }).isVisible());
  assert.ok(await page.getByText("Maximum inactivity").first().isVisible());

  // A number and a unit, as Keycloak's own Sessions tab asks for durations; modes in words.
  assert.equal(await page.inputValue("[data-testid=maxInactivity]"), "7");
  assert.equal(await selected(page, "maxInactivityUnit"), "days");
  assert.equal(await page.inputValue("[data-testid=reauthenticateWithin]"), "10");
  assert.equal(await selected(page, "reauthenticateWithinUnit"), "minutes");
  assert.equal(await selected(page, "revokeOnPasswordChange"), "Every other session");
  await page.fill("[data-testid=maxInactivity]", "3");
  assert.match(await save(page), /Saved successfully/);
  assert.equal((await policy()).maxInactivity, "P3D");
  await page.fill("[data-testid=maxInactivity]", "12");
  await choose(page, "maxInactivityUnit", "hours");
  await choose(page, "revokeOnPasswordChange", "Every session, the one making the change too");
  assert.match(await save(page), /Saved successfully/);
  assert.equal((await policy()).maxInactivity, "PT12H");
  assert.equal((await policy()).revokeOnCredentialChange, "ALL");

  const put = await fetch(configUrl, {
    method: "PUT",
    headers: { Authorization: `Bearer ${await adminToken()}`, "Content-Type": "application/json" },
    body: JSON.stringify({ historyRetention: "P10D" }),
  });
  assert.equal(put.status, 200);
  await page.reload();
  await page.locator("[data-testid=maxInactivity]").waitFor();
  assert.equal(await page.inputValue("[data-testid=historyRetention]"), "10");
  assert.equal(await selected(page, "historyRetentionUnit"), "days");
  assert.equal(await page.inputValue("[data-testid=maxInactivity]"), "12");
  assert.equal(await selected(page, "maxInactivityUnit"), "hours");
  await page.getByRole("tab", { name: "Session manager" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: SCREENSHOT });
  await page.context().close();
});

test("an empty or too small number is told at the field or by its label, and saves nothing", async () => {
  const page = await openTab(ADMIN);

  await page.fill("[data-testid=maxInactivity]", "");
  if (NUMBERS_CHECKED_AT_THE_FIELD) {
    await page.click("[data-testid=save]");
    const field = page.locator(".pf-v5-c-form__group", { has: page.locator("[data-testid=maxInactivity]") });
    await field.getByText("Required field").waitFor();
  } else {
    // Nothing sent, nothing changed: the policy keeps its value (checked below).
    await save(page);
  }
  await page.fill("[data-testid=maxInactivity]", "0");
  await page.click("[data-testid=save]");

  // Found by its words: an earlier save's message may still be on show.
  await page.locator("[data-testid=global-alerts] li", { hasText: "Maximum inactivity: enter a whole number of 1 or more" })
    .waitFor();
  assert.deepEqual(await policy(), { maxInactivity: "PT12H", historyRetention: "P10D", revokeOnCredentialChange: "ALL",
    revokeOnPasswordChange: "ALL", notifyNewDevice: false, reauthenticateWithin: "PT10M" });
  await page.context().close();
});

test("in German", async () => {
  const page = await openTab(GERMAN_ADMIN, "de-DE");

  assert.ok(await page.getByRole("tab", { name: "Sitzungsverwaltung" }).isVisible());
  assert.ok(await page.getByText("Maximale Inaktivität").first().isVisible());
  assert.ok(await page.getByText("E-Mail bei Anmeldung von einem neuen Gerät").first().isVisible());
  assert.ok(await page.getByText("Einheit").first().isVisible());
  await page.context().close();
});
