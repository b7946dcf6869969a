import { defineConfig } from "vite";

// JSX is compiled by Vite's own transform (tsconfig "jsx": "react-jsx"); no plugin needed.
export default defineConfig({
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 5173, strictPort: true },
});
