// A server process using @schematic-sdk/node the way a script or a serverless
// handler does: upserts and tracks under faults, then `await close()`. It never
// calls process.exit: the parent test checks that it ends on its own, right
// after close(), with everything delivered.
//
// env: SDK (file URL of the node package's ESM build), EMULATOR_URL, UPSERTS, TRACKS, CONCURRENCY
const { SchematicClient, isSchematicError } = await import(process.env.SDK);

const url = process.env.EMULATOR_URL;
const upserts = Number(process.env.UPSERTS ?? 100);
const tracks = Number(process.env.TRACKS ?? 1000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const client = new SchematicClient({
  apiKey: "sch_dev_child",
  apiUrl: url,
  eventUrl: url,
  flushInterval: 200,
  maxEventAttempts: 30,
  logger: quiet,
});

const outcome = { resolved: 0, threw: {}, untyped: [] };
for (let i = 0; i < tracks; i++) {
  client.track({ event: "child", company: { id: `child-c${i % 50}` }, traits: { label: `child-${i}` } });
}
let next = 0;
async function worker() {
  while (next < upserts) {
    const i = next++;
    try {
      await client.upsertCompany({ keys: { id: `child-c${i}` }, traits: { i } });
      outcome.resolved++;
    } catch (error) {
      if (isSchematicError(error)) outcome.threw[error.name] = (outcome.threw[error.name] ?? 0) + 1;
      else outcome.untyped.push(String(error));
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await client.close();
console.log(JSON.stringify({ ...outcome, unhandled, stats: client.stats, closedAt: Date.now() }));
