const { loadEnv } = require("@medusajs/framework/utils")
loadEnv("test", process.cwd())

/**
 * Jest configuration for the plugin's integration tests (Medusa's plugin starter layout).
 * The tests boot Medusa in-process with `medusaIntegrationTestRunner` against a real PostgreSQL
 * and load the plugin from its build output (`npm run test:integration` builds it first).
 */
module.exports = {
  transform: {
    "^.+\\.[jt]s$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", decorators: true },
          target: "es2021",
        },
      },
    ],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: ["dist/"],
  setupFiles: ["./integration-tests/setup.js"],
}

if (process.env.TEST_TYPE === "integration:http") {
  module.exports.testMatch = ["**/integration-tests/http/*.spec.[jt]s"]
}
