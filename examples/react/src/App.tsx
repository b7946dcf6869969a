import { useSchematic, useSchematicFlag, useSchematicIsReady } from "@schematic-sdk/react";
import { type FormEvent, useState, useSyncExternalStore } from "react";

/** A login form: identifying the user and their company is one call. */
function Login() {
  const { identify, context } = useSchematic();
  const [userId, setUserId] = useState("demo-user");
  const [companyId, setCompanyId] = useState("demo-company");
  const [companyName, setCompanyName] = useState("Demo Company");

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void identify({
      keys: { id: userId },
      name: userId,
      company: { keys: { id: companyId }, name: companyName, traits: { plan: "pro" } },
    });
  };

  if (context.user) {
    return (
      <p data-testid="signed-in">
        Signed in as <b>{context.user.id}</b> of <b>{context.company?.id}</b>
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit}>
      <label>
        User id <input name="user" value={userId} onChange={(e) => setUserId(e.target.value)} />
      </label>
      <label>
        Company id <input name="company" value={companyId} onChange={(e) => setCompanyId(e.target.value)} />
      </label>
      <label>
        Company name{" "}
        <input name="companyName" value={companyName} onChange={(e) => setCompanyName(e.target.value)} />
      </label>
      <button type="submit">Log in</button>
    </form>
  );
}

/** Shown only to companies the `new-dashboard` flag is on for. */
function Dashboard() {
  const ready = useSchematicIsReady();
  const enabled = useSchematicFlag("new-dashboard", { fallback: false });
  const { track } = useSchematic();
  if (!ready) return <p>Checking flags…</p>;
  if (!enabled) return <p data-testid="old-dashboard">The classic dashboard.</p>;
  return (
    <section data-testid="new-dashboard">
      <h2>The new dashboard</h2>
      <button type="button" onClick={() => void track({ event: "export", quantity: 1 })}>
        Export (tracks a usage event)
      </button>
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
    <p data-testid="queue">
      queue: {queue.pending} pending · {queue.delivered} delivered · {queue.dropped} dropped
    </p>
  );
}

export function App() {
  const { client } = useSchematic();
  return (
    <main style={{ fontFamily: "system-ui", maxWidth: 640, margin: "2rem auto" }}>
      <h1>schematic-sdk · React example</h1>
      <Login />
      <Dashboard />
      <QueueStats />
      <button type="button" onClick={() => client.reset()}>
        Log out
      </button>
    </main>
  );
}
