import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

const injected = getInjectedEnvironment<AccountEnvironment>();

/**
 * `?kc_locale=de` picks the console's language, as it does on Keycloak's login pages: Keycloak
 * renders the account console in the signed-in user's locale and ignores the parameter there.
 * Only a language tag is taken; a language the realm does not offer falls back to its default.
 */
function requestedLocale(): string | undefined {
  const locale = new URLSearchParams(window.location.search).get("kc_locale");
  return locale && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) ? locale : undefined;
}

/** What Keycloak's index.ftl injects into the page: server URL, realm, locale, features. */
export const environment: AccountEnvironment = { ...injected, locale: requestedLocale() ?? injected.locale };
