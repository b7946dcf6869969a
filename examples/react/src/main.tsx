import { SchematicProvider } from "@schematic-sdk/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { apiUrl, eventUrl, publishableKey } from "./config";
import "./styles.css";

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
