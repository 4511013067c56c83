import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/patternfly/patternfly-addons.css";
import "../node_modules/@keycloak/keycloak-account-ui/lib/keycloak-account-ui.css";

import { KeycloakProvider, routes } from "@keycloak/keycloak-account-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router-dom";
import { environment } from "./environment";
import { i18n } from "./i18n";
import { Root } from "./Root";
import { SessionsPage } from "./sessions/SessionsPage";

/**
 * Keycloak's Device activity page is replaced by the sessions page, and its address leads there: its
 * "Sign out all devices" leaves offline sessions alive (the pattern of CVE-2025-12110), while ours
 * ends them too.
 */
const DEVICE_ACTIVITY = "account-security/device-activity";

/** Keycloak's own account console pages, with the sessions page in place of Device activity. */
const router = createBrowserRouter([
  {
    path: decodeURIComponent(new URL(environment.baseUrl).pathname),
    element: <Root />,
    children: [
      ...routes.filter((route) => route.path !== DEVICE_ACTIVITY),
      { path: DEVICE_ACTIVITY, element: <Navigate to="../sessions" relative="path" replace /> },
      { path: "account-security/sessions", element: <SessionsPage /> },
    ],
  },
]);

await i18n.init();

createRoot(document.getElementById("app")!).render(
  <StrictMode>
    <KeycloakProvider environment={environment}>
      <RouterProvider router={router} />
    </KeycloakProvider>
  </StrictMode>,
);
