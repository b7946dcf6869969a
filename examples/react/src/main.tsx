import { SchematicProvider } from "@schematic-sdk/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

// `pnpm demo` points these at the local emulator; they default to it too.
const env = import.meta.env;
const apiUrl = env.VITE_SCHEMATIC_API_URL ?? "http://127.0.0.1:8787";
const eventUrl = env.VITE_SCHEMATIC_EVENT_URL ?? apiUrl;
const publishableKey = env.VITE_SCHEMATIC_PUBLISHABLE_KEY ?? "api_demo";

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <SchematicProvider
      publishableKey={publishableKey}
      options={{ apiUrl, eventUrl, debug: true, live: true }}
    >
      <App />
    </SchematicProvider>
  </StrictMode>,
);
