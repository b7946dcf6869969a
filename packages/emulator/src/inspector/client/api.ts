/**
 * The page's actions, through the emulator's own admin routes, each carrying
 * the token only this page was given. A refusal is shown, never thrown.
 */
export interface Actions {
  setPlan(company: string, plan: string | null): Promise<void>;
  setOverride(company: string, feature: string, value: unknown): Promise<void>;
  reset(): Promise<void>;
}

const companyPath = (company: string) => `/admin/companies/${encodeURIComponent(company)}`;

export function createActions(token: string, report: (message: string) => void): Actions {
  const send = async (method: string, path: string, body?: unknown) => {
    try {
      const response = await fetch(path, {
        method,
        headers: { "content-type": "application/json", "x-schematic-emulator-token": token },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (!response.ok) {
        const answer = (await response.json().catch(() => ({}))) as { error?: string };
        report(`${method} ${path}: ${answer.error ?? response.status}`);
      }
    } catch (error) {
      report(`${method} ${path}: ${(error as Error).message}`);
    }
  };
  return {
    setPlan: (company, plan) =>
      plan === null
        ? send("DELETE", `${companyPath(company)}/plan`)
        : send("PUT", `${companyPath(company)}/plan`, { plan }),
    setOverride: (company, feature, value) => {
      const path = `${companyPath(company)}/overrides/${encodeURIComponent(feature)}`;
      return value === null ? send("DELETE", path) : send("PUT", path, { value });
    },
    reset: () => send("POST", "/reset"),
  };
}
