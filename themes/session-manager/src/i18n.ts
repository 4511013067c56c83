import { createInstance } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";
import { environment } from "./environment";

type Message = { key: string; value: string };

/**
 * The console's messages come from Keycloak, which merges this theme's message bundles with those
 * of keycloak.v3, in the user's locale.
 */
export const i18n = createInstance({
  lng: environment.locale,
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  showSupportNotice: false,
  backend: {
    loadPath: `${environment.serverBaseUrl}/resources/${environment.realm}/account/{{lng}}`,
    parse: (data: string) =>
      Object.fromEntries((JSON.parse(data) as Message[]).map(({ key, value }) => [key, value])),
  },
});

i18n.use(FetchBackend).use(initReactI18next);
