import { type AccountEnvironment, Page, useEnvironment } from "@keycloak/keycloak-account-ui";
import {
  Alert,
  AlertActionCloseButton,
  AlertGroup,
  Button,
  DataList,
  EmptyState,
  EmptyStateBody,
  EmptyStateHeader,
  Spinner,
  Tab,
  TabTitleText,
  Tabs,
} from "@patternfly/react-core";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Session, SessionsApi } from "./api";
import { ConfirmDialog } from "./ConfirmDialog";
import { SessionItem } from "./SessionItem";

type Load = { state: "loading" } | { state: "error"; message: string } | { state: "done"; active: Session[]; history: Session[] };

/** What the user asked to end. */
type Ending = { kind: "revoke"; id: string; current: boolean } | { kind: "others" } | { kind: "everywhere" };

type Confirmation = { title: string; body: string; confirmLabel: string; ending: Ending };

/**
 * An ending the API refused for an older sign-in, kept in this tab while the user signs in again:
 * with the sign-in time it was refused for (only a newer sign-in finishes it) and when it was
 * asked (a tab coming back much later asks again).
 */
const PENDING_ENDING = "session-manager.pending-ending";
const PENDING_FOR_MILLIS = 10 * 60 * 1000;
type PendingEnding = { ending: Ending; refusedAuthTime: number; askedAt: number };

/** The ending this tab kept for after a new sign-in, if it is still the user's wish; removed either way. */
function takePendingEnding(authTime: number): Ending | undefined {
  const stored = sessionStorage.getItem(PENDING_ENDING);
  sessionStorage.removeItem(PENDING_ENDING);
  try {
    const pending = stored ? (JSON.parse(stored) as PendingEnding) : undefined;
    const recent = pending && Date.now() - pending.askedAt < PENDING_FOR_MILLIS;
    return recent && authTime > pending.refusedAuthTime ? pending.ending : undefined;
  } catch {
    return undefined;
  }
}

/** "Signed-in sessions": every device where the user is signed in, and ending any of them. */
export const SessionsPage = () => {
  const { t } = useTranslation();
  const { environment, keycloak } = useEnvironment<AccountEnvironment>();
  const locale = environment.locale ?? "en";
  const api = useMemo(() => new SessionsApi(environment, keycloak, locale), [environment, keycloak, locale]);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [tab, setTab] = useState<string | number>("active");
  const [confirmation, setConfirmation] = useState<Confirmation>();
  const [notice, setNotice] = useState<string>();

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const [active, history] = await Promise.all([api.active(signal), api.history(signal)]);
        setLoad({ state: "done", active, history });
      } catch (error) {
        if (!signal?.aborted) {
          setLoad({ state: "error", message: error instanceof Error ? error.message : String(error) });
        }
      }
    },
    [api],
  );

  useEffect(() => {
    const controller = new AbortController();
    refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  /** After this browser's own session ends, Keycloak's login page is the only place left to go. */
  const signInAgain = () => keycloak.login();

  const perform = async (ending: Ending) => {
    if (ending.kind === "revoke") {
      await api.revoke(ending.id);
      if (ending.current) {
        return signInAgain();
      }
      setNotice(t("sessionManager.revoked"));
    } else if (ending.kind === "others") {
      const { revoked } = await api.revokeAll(true);
      setNotice(t("sessionManager.othersSignedOut", { count: revoked }));
    } else {
      await api.revokeAll(false);
      return signInAgain();
    }
    await refresh();
  };

  /** `resumed`: after signing in again; a second refusal is then shown, not asked again. */
  const run = async (ending: Ending, resumed = false) => {
    setConfirmation(undefined);
    try {
      await perform(ending);
    } catch (error) {
      if (error instanceof ApiError && error.asksToSignInAgain && !resumed) {
        return reauthenticate(ending, error.maxAge);
      }
      setNotice(error instanceof Error ? error.message : String(error));
    }
  };

  /** RFC 9470: Keycloak asks for the user's credentials (max_age), then brings them back here to finish. */
  const reauthenticate = (ending: Ending, maxAge?: number) => {
    const pending: PendingEnding = { ending, refusedAuthTime: keycloak.tokenParsed?.auth_time ?? 0, askedAt: Date.now() };
    sessionStorage.setItem(PENDING_ENDING, JSON.stringify(pending));
    setNotice(t("sessionManager.signInAgainToEnd"));
    const locale = environment.locale;
    // keycloak-js leaves out a max_age of 0; asking for a sign-in every time is then prompt=login.
    return keycloak.login(maxAge ? { maxAge, locale } : { prompt: "login", locale });
  };

  /** Once, when the page opens: finishes an ending the user has just signed in again for. */
  useEffect(() => {
    const ending = takePendingEnding(keycloak.tokenParsed?.auth_time ?? 0);
    if (ending) {
      run(ending, true);
    }
  }, []);

  const askRevoke = (session: Session) =>
    setConfirmation({
      title: t("sessionManager.revokeTitle"),
      body: session.current ? t("sessionManager.revokeCurrentBody") : t("sessionManager.revokeBody", { device: session.deviceInfo }),
      confirmLabel: t("sessionManager.revoke"),
      ending: { kind: "revoke", id: session.id, current: session.current },
    });

  const askSignOutOthers = () =>
    setConfirmation({
      title: t("sessionManager.signOutOthersTitle"),
      body: t("sessionManager.signOutOthersBody"),
      confirmLabel: t("sessionManager.signOutOthers"),
      ending: { kind: "others" },
    });

  const askSignOutEverywhere = () =>
    setConfirmation({
      title: t("sessionManager.signOutEverywhereTitle"),
      body: t("sessionManager.signOutEverywhereBody"),
      confirmLabel: t("sessionManager.signOutEverywhere"),
      ending: { kind: "everywhere" },
    });

  return (
    <Page title={t("sessionManager.title")} description={t("sessionManager.description")}>
      <div className="session-manager-actions pf-v5-u-mb-md">
        <Button variant="secondary" onClick={askSignOutOthers} isDisabled={load.state !== "done"} data-testid="sign-out-others">
          {t("sessionManager.signOutOthers")}
        </Button>
        <Button variant="danger" onClick={askSignOutEverywhere} isDisabled={load.state !== "done"} data-testid="sign-out-everywhere">
          {t("sessionManager.signOutEverywhere")}
        </Button>
      </div>
      {/* In the page, under the buttons that caused it: a toast would cover the heading on a phone. */}
      <AlertGroup isLiveRegion className="pf-v5-u-mb-md">
        {notice && (
          <Alert
            variant="info"
            isInline
            title={notice}
            timeout
            onTimeout={() => setNotice(undefined)}
            actionClose={<AlertActionCloseButton onClose={() => setNotice(undefined)} />}
            data-testid="notice"
          />
        )}
      </AlertGroup>
      <Tabs activeKey={tab} onSelect={(_, key) => setTab(key)} aria-label={t("sessionManager.title")}>
        <Tab eventKey="active" title={<TabTitleText>{t("sessionManager.tab.active")}</TabTitleText>} data-testid="tab-active">
          <Sessions load={load} pick="active" locale={locale} onRevoke={askRevoke} onRetry={() => refresh()} />
        </Tab>
        <Tab eventKey="history" title={<TabTitleText>{t("sessionManager.tab.history")}</TabTitleText>} data-testid="tab-history">
          <Sessions load={load} pick="history" locale={locale} onRetry={() => refresh()} />
        </Tab>
      </Tabs>
      {confirmation && (
        <ConfirmDialog
          title={confirmation.title}
          body={confirmation.body}
          confirmLabel={confirmation.confirmLabel}
          onConfirm={() => run(confirmation.ending)}
          onCancel={() => setConfirmation(undefined)}
        />
      )}
    </Page>
  );
};

type SessionsProps = {
  load: Load;
  pick: "active" | "history";
  locale: string;
  onRevoke?: (session: Session) => void;
  onRetry: () => void;
};

const Sessions = ({ load, pick, locale, onRevoke, onRetry }: SessionsProps) => {
  const { t } = useTranslation();
  if (load.state === "loading") {
    return <Spinner className="pf-v5-u-m-lg" aria-label={t("sessionManager.loading")} />;
  }
  if (load.state === "error") {
    return (
      <Alert variant="danger" isInline title={t("sessionManager.error")} className="pf-v5-u-mt-md" data-testid="load-error">
        <p>{load.message}</p>
        <Button variant="link" isInline onClick={onRetry}>
          {t("sessionManager.retry")}
        </Button>
      </Alert>
    );
  }
  const sessions = load[pick];
  if (sessions.length === 0) {
    return (
      <EmptyState variant="sm">
        <EmptyStateHeader titleText={t(pick === "active" ? "sessionManager.noActive" : "sessionManager.noHistory")} headingLevel="h2" />
        {pick === "history" && <EmptyStateBody>{t("sessionManager.noHistoryBody")}</EmptyStateBody>}
      </EmptyState>
    );
  }
  return (
    <DataList
      aria-label={t(pick === "active" ? "sessionManager.tab.active" : "sessionManager.tab.history")}
      className="session-manager-list pf-v5-u-mt-md"
    >
      {sessions.map((session) => (
        <SessionItem key={session.id} session={session} locale={locale} onRevoke={onRevoke} />
      ))}
    </DataList>
  );
};
