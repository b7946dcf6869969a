// Real Chromium for the React and Next.js consumers: Debian's /usr/bin/chromium
// driven by playwright-core (the workspace's own copy; it never downloads a
// browser), and a recorder of every change to one element from the first byte
// of HTML on, so a flash of another value cannot hide between two frames.
export { launchChromium } from "../../e2e-support/chromium.mjs";

/**
 * Records the text of `selector` at every mutation that touches it, from
 * before the page's first byte: `window.__history` ends up as the sequence of
 * distinct values it showed (a flash on→off→on is three entries), and
 * `window.__pageErrors` holds hydration errors reported to the console.
 */
export async function recordElement(page, selector) {
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.addInitScript((watched) => {
    const history = [];
    window.__history = history;
    const push = (value) => {
      if (value && history.at(-1) !== value) history.push(value);
    };
    const inside = (node) => {
      const element = document.querySelector(watched);
      return element !== null && (element === node || element.contains(node));
    };
    const holds = (node) =>
      node.nodeType === 1 && (node.matches(watched) || node.querySelector(watched) !== null);
    new MutationObserver((records) => {
      for (const record of records) {
        // What it showed before this change: a text node's old value, or the nodes taken out.
        if (record.type === "characterData" && inside(record.target)) push(record.oldValue);
        for (const node of record.removedNodes) {
          if (inside(record.target)) push(node.textContent);
          else if (holds(node))
            push((node.matches(watched) ? node : node.querySelector(watched)).textContent);
        }
      }
      push(document.querySelector(watched)?.textContent);
    }).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      characterDataOldValue: true,
    });
  }, selector);
  return {
    history: () => page.evaluate(() => window.__history),
    consoleErrors,
  };
}
