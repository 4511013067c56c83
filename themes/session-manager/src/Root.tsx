import { Header, PageNav } from "@keycloak/keycloak-account-ui";
import { Button, Page, Spinner } from "@patternfly/react-core";
import BarsIcon from "@patternfly/react-icons/dist/esm/icons/bars-icon";
import { Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation } from "react-router-dom";
import "./root.css";

/** Where PatternFly stops showing the menu beside the page and lays it over the page instead. */
const WIDE = "(min-width: 1200px)";

const useIsWide = () => {
  const [wide, setWide] = useState(() => window.matchMedia(WIDE).matches);
  useEffect(() => {
    const query = window.matchMedia(WIDE);
    const changed = () => setWide(query.matches);
    query.addEventListener("change", changed);
    return () => query.removeEventListener("change", changed);
  }, []);
  return wide;
};

/**
 * The console's frame as keycloak.v3 draws it: header, the menu from content.json, the page. The
 * menu is opened and closed here: keycloak-account-ui bundles its own PatternFly, so its menu and
 * its header's toggle never see this page's sidebar state (on a phone the menu stayed open over the
 * page, and the toggle did nothing). Closed on narrow screens until asked for, and after choosing.
 */
export const Root = () => {
  const { t } = useTranslation();
  const wide = useIsWide();
  const [navOpen, setNavOpen] = useState(wide);
  const { pathname } = useLocation();

  useEffect(() => setNavOpen(wide), [wide, pathname]);

  const header = (
    <div className="session-manager-header">
      <Button
        variant="plain"
        className="session-manager-nav-toggle"
        aria-label={t("sessionManager.menu")}
        aria-expanded={navOpen}
        onClick={() => setNavOpen((open) => !open)}
        data-testid="nav-toggle"
      >
        <BarsIcon />
      </Button>
      <Header />
    </div>
  );

  return (
    <Page header={header} sidebar={navOpen ? <PageNav /> : undefined}>
      <Suspense fallback={<Spinner />}>
        <Outlet />
      </Suspense>
    </Page>
  );
};
