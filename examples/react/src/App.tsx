import {
  type FlagCheck,
  useSchematic,
  useSchematicEntitlement,
  useSchematicFlag,
  useSchematicPlan,
} from "@schematic-sdk/react";
import { type FormEvent, useState, useSyncExternalStore } from "react";
import { apiUrl } from "./config";

/** The metered feature (`examples/catalog.json`): Free allows 3 queries a month, Pro is unlimited. */
const QUERIES = "queries";
/** A feature only the Pro plan includes. */
const EXPORTS = "exports";

const PERIODS: Record<string, string> = {
  current_month: "this month",
  current_week: "this week",
  current_day: "today",
  all_time: "in total",
};

/** Identifying the user and their company is one call; the company's `plan` trait picks its plan. */
function SignIn() {
  const { identify } = useSchematic();
  const [userId, setUserId] = useState("ann");
  const [companyId, setCompanyId] = useState("acme");
  const [companyName, setCompanyName] = useState("Acme Inc.");
  const [plan, setPlan] = useState("free");

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void identify({
      keys: { id: userId },
      name: userId,
      company: { keys: { id: companyId }, name: companyName, traits: { plan } },
    });
  };

  return (
    <form className="card sign-in" onSubmit={onSubmit}>
      <h2>Sign in</h2>
      <label>
        User
        <input name="user" value={userId} onChange={(e) => setUserId(e.target.value)} />
      </label>
      <label>
        Company id
        <input name="company" value={companyId} onChange={(e) => setCompanyId(e.target.value)} />
      </label>
      <label>
        Company name
        <input name="companyName" value={companyName} onChange={(e) => setCompanyName(e.target.value)} />
      </label>
      <label>
        Plan
        <select name="plan" value={plan} onChange={(e) => setPlan(e.target.value)}>
          <option value="free">Free</option>
          <option value="pro">Pro</option>
        </select>
      </label>
      <button type="submit" className="primary">
        Sign in
      </button>
    </form>
  );
}

/** The company's plan, straight from the flag checks' answer. */
function PlanBadge() {
  const plan = useSchematicPlan();
  return (
    <span className={`badge ${plan ? `plan-${plan.id}` : ""}`} data-testid="plan">
      {plan ? plan.name : "No plan"}
    </span>
  );
}

/** Switches the signed-in company's plan by identifying it again with a new `plan` trait. */
function useUpgrade() {
  const { identify, context } = useSchematic();
  return () => {
    const company = context.company;
    const user = context.user;
    if (!company || !user) return;
    void identify({ keys: user, company: { keys: company, traits: { plan: "pro" } } });
  };
}

function usageText(check: FlagCheck): string {
  const period = PERIODS[check.featureUsagePeriod ?? ""] ?? "";
  const used = check.featureUsage ?? 0;
  if (check.valueType === "unlimited" || check.featureAllocation === undefined) {
    return `${used} queries used, no limit on your plan`;
  }
  return `${used} of ${check.featureAllocation} queries used ${period}`.trim();
}

/** A metered feature: the meter moves on every query, at once, and turns into an upgrade prompt at the limit. */
function Queries() {
  const check = useSchematicEntitlement(QUERIES, { fallback: false });
  const { track } = useSchematic();
  const upgrade = useUpgrade();
  const limited = check.featureAllocation !== undefined && check.valueType !== "unlimited";
  const ratio = limited
    ? Math.min(1, (check.featureUsage ?? 0) / Math.max(1, check.featureAllocation ?? 1))
    : 0;
  return (
    <section className="card" data-testid="queries">
      <h2>Queries</h2>
      <p className="meter-text" data-testid="meter">
        {usageText(check)}
      </p>
      {limited && (
        <div className="meter" aria-hidden="true">
          <div className={`meter-fill ${check.value ? "" : "full"}`} style={{ width: `${ratio * 100}%` }} />
        </div>
      )}
      {check.value ? (
        <button
          type="button"
          className="primary"
          data-testid="run-query"
          onClick={() => void track({ event: "query", quantity: 1 })}
        >
          Run a query
        </button>
      ) : (
        <div className="upgrade" data-testid="upgrade">
          <p>You have used every query your plan includes {PERIODS[check.featureUsagePeriod ?? ""] ?? ""}.</p>
          <button type="button" className="primary" onClick={upgrade}>
            Upgrade to Pro
          </button>
        </div>
      )}
      {/* A metered check's reason tells the server's count; the meter already shows this client's own queries too. */}
      {!limited && <p className="reason">{check.reason}</p>}
    </section>
  );
}

/** A feature the plan either includes or not. */
function Exports() {
  const enabled = useSchematicFlag(EXPORTS, { fallback: false });
  const upgrade = useUpgrade();
  return (
    <section className="card" data-testid="exports">
      <h2>Export to CSV</h2>
      {enabled ? (
        <p data-testid="exports-on">Included in your plan.</p>
      ) : (
        <div className="locked" data-testid="exports-off">
          <p>Exports come with Pro.</p>
          <button type="button" onClick={upgrade}>
            Upgrade to Pro
          </button>
        </div>
      )}
    </section>
  );
}

/** The client's delivery queue, read straight from its store. */
function QueueStats() {
  const { client } = useSchematic();
  const queue = useSyncExternalStore(
    (listener) => client.subscribe(listener),
    () => client.getSnapshot().queue,
    () => client.getServerSnapshot().queue,
  );
  return (
    <p className="queue" data-testid="queue">
      events: {queue.pending} pending · {queue.delivered} delivered · {queue.dropped} dropped
    </p>
  );
}

export function App() {
  const { client, context } = useSchematic();
  const signedIn = Boolean(context.company);
  return (
    <div className="page">
      <header>
        <span className="logo">◆ Acme Analytics</span>
        {signedIn && (
          <span className="who" data-testid="signed-in">
            {context.user?.id} · {context.company?.id} <PlanBadge />
            <button type="button" className="link" onClick={() => client.reset()}>
              Sign out
            </button>
          </span>
        )}
      </header>
      <main>
        {signedIn ? (
          <div className="grid">
            <Queries />
            <Exports />
          </div>
        ) : (
          <SignIn />
        )}
      </main>
      <footer>
        <QueueStats />
        <p>
          Plans, limits and usage come from the emulator's catalog (<code>examples/catalog.json</code>); its
          inspector is at <a href={`${apiUrl}/`}>{new URL(apiUrl).host}</a>.
        </p>
      </footer>
    </div>
  );
}
