import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// In production Goxec.Api serves dist/ at `/`, so /api is the same origin.
// `npm run dev` proxies /api to a locally running Api instead.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/api": process.env.GOXEC_API_URL ?? "http://localhost:5000" },
  },
});
