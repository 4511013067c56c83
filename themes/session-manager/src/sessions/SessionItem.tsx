import {
  Button,
  DataListAction,
  DataListCell,
  DataListItem,
  DataListItemCells,
  DataListItemRow,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Label,
  LabelGroup,
} from "@patternfly/react-core";
import DesktopIcon from "@patternfly/react-icons/dist/esm/icons/desktop-icon";
import MobileAltIcon from "@patternfly/react-icons/dist/esm/icons/mobile-alt-icon";
import { useTranslation } from "react-i18next";
import type { Session } from "./api";
import { dateTime, relativeTime } from "./format";

type SessionItemProps = {
  session: Session;
  locale: string;
  onRevoke?: (session: Session) => void;
};

/** One device: what it is, where and when it was used, and how it ended or when it will. */
export const SessionItem = ({ session, locale, onRevoke }: SessionItemProps) => {
  const { t } = useTranslation();
  const Icon = session.device.mobile ? MobileAltIcon : DesktopIcon;
  const titleId = `session-${session.id}-title`;
  const details: [string, string | null][] = [
    ["sessionManager.ipAddress", session.ipAddress],
    ["sessionManager.lastIpAddress", session.lastIpAddress !== session.ipAddress ? session.lastIpAddress : null],
    ["sessionManager.signedIn", dateTime(session.createdAt, locale)],
    ["sessionManager.lastActive", relativeTime(session.lastActive, locale)],
    ["sessionManager.idleExpires", session.idleExpiresAt && dateTime(session.idleExpiresAt, locale)],
    ["sessionManager.expires", session.expiresAt && session.status === "ACTIVE" ? dateTime(session.expiresAt, locale) : null],
    ["sessionManager.ended", session.endedAt && dateTime(session.endedAt, locale)],
    ["sessionManager.clients", session.clients.join(", ") || null],
  ];

  return (
    <DataListItem aria-labelledby={titleId} data-testid="session" data-session-id={session.id}>
      <DataListItemRow>
        <DataListItemCells
          dataListCells={[
            <DataListCell key="icon" isFilled={false}>
              <Icon className="pf-v5-u-font-size-2xl" aria-hidden />
            </DataListCell>,
            <DataListCell key="details" width={5}>
              <LabelGroup className="pf-v5-u-mb-sm">
                <span id={titleId} className="pf-v5-u-font-weight-bold pf-v5-u-mr-sm" data-testid="device-info">
                  {session.deviceInfo}
                </span>
                {session.current && (
                  <Label color="blue" data-testid="this-device">
                    {t("sessionManager.thisDevice")}
                  </Label>
                )}
                {session.type === "OFFLINE" && <Label color="purple">{t("sessionManager.offline")}</Label>}
                {session.newDevice && (
                  <Label color="orange" data-testid="new-device">
                    {t("sessionManager.newDevice")}
                  </Label>
                )}
                {session.endReason && (
                  <Label color="grey" data-testid="end-reason">
                    {t(`sessionManager.endReason.${session.endReason}`)}
                  </Label>
                )}
              </LabelGroup>
              {/* On a phone, each term above its value: beside it, dates and names would wrap mid-word. */}
              <DescriptionList
                isCompact
                orientation={{ sm: "horizontal" }}
                columnModifier={{ lg: "2Col" }}
                data-testid="details"
              >
                {details
                  .filter(([, value]) => value)
                  .map(([label, value]) => (
                    <DescriptionListGroup key={label}>
                      <DescriptionListTerm>{t(label)}</DescriptionListTerm>
                      <DescriptionListDescription>{value}</DescriptionListDescription>
                    </DescriptionListGroup>
                  ))}
              </DescriptionList>
              {session.userAgent && (
                <div
                  className="pf-v5-u-font-size-sm pf-v5-u-color-200 pf-v5-u-mt-sm pf-v5-u-text-break-word"
                  data-testid="user-agent"
                >
                  {session.userAgent}
                </div>
              )}
            </DataListCell>,
          ]}
        />
        {onRevoke && (
          <DataListAction id={`${session.id}-actions`} aria-labelledby={titleId} aria-label={t("sessionManager.revoke")}>
            <Button variant="secondary" isDanger onClick={() => onRevoke(session)} data-testid="revoke">
              {t("sessionManager.revoke")}
            </Button>
          </DataListAction>
        )}
      </DataListItemRow>
    </DataListItem>
  );
};
