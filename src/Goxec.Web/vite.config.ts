/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// In production Goxec.Api serves dist/ at `/`, so /api is the same origin.
// `npm run dev` proxies /api (HTTP and WebSocket) to a locally running Api,
// or to the mock in dev/ (`npm run mock`).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": { target: process.env.GOXEC_API_URL ?? "http://127.0.0.1:8080", ws: true, changeOrigin: true },
    },
  },
  build: {
    // Monaco's core is one large chunk by nature; it is loaded only by the IDE route.
    chunkSizeWarningLimit: 3000,
  },
  worker: { format: "es" },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
