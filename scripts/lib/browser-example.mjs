// Serves examples/browser over HTTP on 127.0.0.1 (the emulator answers
// loopback origins; a file:// page has none) together with the `<script>`
// build it loads, and nothing else of the repository.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";

// The repository's own layout, so the page's relative `<script src>` works
// here, from a file:// path and in the end-to-end tests alike.
const PAGE = "/examples/browser/index.html";
const routes = {
  [PAGE]: ["examples/browser/index.html", "text/html; charset=utf-8"],
  "/packages/browser/dist/schematic.global.js": [
    "packages/browser/dist/schematic.global.js",
    "text/javascript; charset=utf-8",
  ],
};

/** Resolves with the running server once it listens on `port` (0 picks a free one). */
export function serveBrowserExample({ root, port, host = "127.0.0.1" }) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/" || url.pathname === "/examples/browser/") {
      return res.writeHead(302, { location: `${PAGE}${url.search}` }).end();
    }
    const route = routes[url.pathname];
    if (!route || req.method !== "GET") return res.writeHead(404).end("not found");
    try {
      const body = await readFile(join(root, route[0]));
      res.writeHead(200, { "content-type": route[1], "cache-control": "no-store" }).end(body);
    } catch {
      res
        .writeHead(404, { "content-type": "text/plain" })
        .end(`${route[0]} is missing: run pnpm build first`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
