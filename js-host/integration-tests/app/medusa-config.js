const path = require("node:path")
const { defineConfig } = require("@medusajs/framework/utils")

/**
 * The Medusa app the integration tests boot: no project code, only this plugin (loaded from its
 * build output in js-host/.medusa/server, exactly as an installed package), with the plugin options
 * the test file puts in CATALOG_SYNC_TEST_OPTIONS (JSON). Uploaded files (the synced images) go to
 * the git-ignored .work/integration/static (exported as STATIC_DIR for the tests to read them).
 */
const STATIC_DIR = path.resolve(__dirname, "../../../.work/integration/static")
process.env.CATALOG_SYNC_TEST_STATIC_DIR = STATIC_DIR
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://localhost:8000",
      adminCors: "http://localhost:9000",
      authCors: "http://localhost:9000",
      jwtSecret: "catalog-sync-test",
      cookieSecret: "catalog-sync-test",
    },
  },
  admin: { disable: true },
  modules: [
    {
      resolve: "@medusajs/medusa/file",
      options: {
        providers: [
          {
            resolve: "@medusajs/medusa/file-local",
            id: "local",
            options: { upload_dir: STATIC_DIR, backend_url: "http://localhost:9000/static" },
          },
        ],
      },
    },
  ],
  plugins: [
    {
      resolve: path.resolve(__dirname, "../.."),
      options: JSON.parse(process.env.CATALOG_SYNC_TEST_OPTIONS || "{}"),
    },
  ],
})
