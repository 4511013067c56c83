import type { BaseEnvironment } from "@keycloak/keycloak-ui-shared";
import type Keycloak from "keycloak-js";

/** A session as the extension's API returns it (GET /realms/{realm}/sessions). */
export type Session = {
  id: string;
  current: boolean;
  type: "ONLINE" | "OFFLINE";
  status: "ACTIVE" | "REVOKED" | "LOGGED_OUT" | "EXPIRED";
  deviceInfo: string;
  device: { browser: string | null; os: string | null; osVersion: string | null; device: string | null; mobile: boolean };
  userAgent: string | null;
  ipAddress: string | null;
  lastIpAddress: string | null;
  clients: string[];
  createdAt: string;
  lastActive: string;
  idleExpiresAt: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  newDevice: boolean;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly error?: string,
    /** Seconds: how recent a sign-in the API asks for (RFC 9470's max_age). */
    readonly maxAge?: number,
  ) {
    super(message);
  }

  /** RFC 9470: the API ends sessions only for a recent sign-in, and this one is older. */
  get asksToSignInAgain(): boolean {
    return this.status === 401 && this.error === "insufficient_user_authentication";
  }
}

/** Calls the extension's user API with the console's own (refreshed) access token. */
export class SessionsApi {
  constructor(
    private readonly environment: BaseEnvironment,
    private readonly keycloak: Keycloak,
    private readonly locale: string,
  ) {}

  active(signal?: AbortSignal): Promise<Session[]> {
    return this.call("GET", "", signal) as Promise<Session[]>;
  }

  history(signal?: AbortSignal): Promise<Session[]> {
    return this.call("GET", "/history", signal) as Promise<Session[]>;
  }

  revoke(id: string): Promise<unknown> {
    return this.call("DELETE", `/${encodeURIComponent(id)}`);
  }

  revokeAll(keepCurrent: boolean): Promise<{ revoked: number }> {
    return this.call("DELETE", `?keepCurrent=${keepCurrent}`) as Promise<{ revoked: number }>;
  }

  private async call(method: string, path: string, signal?: AbortSignal): Promise<unknown> {
    await this.keycloak.updateToken(30);
    const url = `${this.environment.serverBaseUrl}/realms/${encodeURIComponent(this.environment.realm)}/sessions${path}`;
    const response = await fetch(url, {
      method,
      signal,
      // The page's language, for the device names the API words ("Chrome 139 unter Linux").
      headers: {
        Authorization: `Bearer ${this.keycloak.token}`,
        Accept: "application/json",
        "Accept-Language": this.locale,
      },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const maxAge = /max_age=(\d+)/.exec(response.headers.get("WWW-Authenticate") ?? "")?.[1];
      throw new ApiError(response.status, body.error_description ?? response.statusText, body.error, maxAge ? Number(maxAge) : undefined);
    }
    return response.status === 204 ? undefined : response.json();
  }
}
