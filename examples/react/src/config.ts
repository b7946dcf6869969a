/** Where the example talks to: `pnpm demo` points these at the local emulator; they default to it too. */
const env = import.meta.env;

export const apiUrl: string = env.VITE_SCHEMATIC_API_URL ?? "http://127.0.0.1:8787";
export const eventUrl: string = env.VITE_SCHEMATIC_EVENT_URL ?? apiUrl;
export const publishableKey: string = env.VITE_SCHEMATIC_PUBLISHABLE_KEY ?? "api_demo";
