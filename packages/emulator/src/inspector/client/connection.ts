/**
 * The page's end of the inspector's stream: reconnects with backoff after the
 * emulator stops, and reloads the page when the emulator says its token is
 * from an earlier run (a restarted emulator gives a new one).
 */
import type { InspectorUpdate } from "../stateTypes";

const CLOSE_BAD_TOKEN = 4003;

export interface ConnectionParts {
  path: string;
  token: string;
  onUpdate(update: InspectorUpdate): void;
  onStatus(live: boolean): void;
}

export function connect({ path, token, onUpdate, onStatus }: ConnectionParts): void {
  let delay = 250;
  const open = () => {
    const url = new URL(path, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", token);
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      delay = 250;
      onStatus(true);
    });
    socket.addEventListener("message", (event) => {
      try {
        onUpdate(JSON.parse(String(event.data)) as InspectorUpdate);
      } catch {
        // A message that does not parse is skipped; the next one carries its sections whole.
      }
    });
    socket.addEventListener("close", (event) => {
      onStatus(false);
      if (event.code === CLOSE_BAD_TOKEN) {
        location.reload();
        return;
      }
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    });
  };
  open();
}
