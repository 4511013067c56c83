import { defineConfig } from "vite";

// Builds Keycloak's account console with the Signed-in sessions page added. React comes from
// Keycloak itself (the import map in keycloak.v3's index.ftl), so it stays external; Keycloak
// finds the entry script through the manifest, under resources/.vite/manifest.json. One chunk:
// Keycloak turns the entry's static imports into preload links by their manifest keys, which are
// not file names, so split chunks would be preloaded from URLs that do not exist.
export default defineConfig({
  base: "",
  resolve: {
    alias: { "react-dom/client": "react-dom" },
  },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: "src/main.tsx",
      external: ["react", "react/jsx-runtime", "react-dom"],
      output: { inlineDynamicImports: true },
    },
  },
});
