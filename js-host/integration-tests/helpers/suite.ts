import path from "node:path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { loginAsAdmin } from "./admin"
import type { Api } from "./admin"
import { syncNow, waitUntilIdle } from "./runs"
import type { AdminAuth } from "./runs"
import { startStandIn } from "./stand-in"
import type { StandIn } from "./stand-in"

/** What a test file's tests work with once the app runs. */
export interface PluginSuite {
  /** The admin API (the runner's axios instance). */
  api: Api
  /** The admin's request options: their bearer token is set by the login before the first test. */
  auth: AdminAuth
  /** The stand-in the plugin fetches from (started before the app). */
  readonly standIn: StandIn
  /** The running app's container. */
  getContainer(): MedusaContainer
}

/** How a test file runs the plugin. */
export interface PluginSuiteSetup {
  /** The plugin options the app boots with (`CATALOG_SYNC_TEST_OPTIONS`), given the started stand-in. */
  options(standIn: StandIn): Record<string, unknown>
  /** Starts the stand-in (default: the 194-product catalog on a free port). */
  startSource?(): Promise<StandIn>
  /**
   * A sync before the runner snapshots the database, so every test starts from the synced store; the run must
   * create this many products.
   */
  syncedFirst?: number
  /** After each test: the stand-in's catalog and faults reset, then no sync running or queued (default true). */
  resetAfterEach?: boolean
}

/**
 * One plugin test file against a real Medusa app and PostgreSQL (`medusaIntegrationTestRunner`): the stand-in
 * started first and the app booted with `setup.options`, an admin logged in, optionally a first sync, and after
 * each test the stand-in reset and the store idle, so that no run still writes when the runner restores the
 * database. `tests` registers the file's tests.
 */
export function pluginSuite(setup: PluginSuiteSetup, tests: (suite: PluginSuite) => void): void {
  let standIn: StandIn | undefined

  beforeAll(async () => {
    standIn = await (setup.startSource ?? (() => startStandIn()))()
    process.env.CATALOG_SYNC_TEST_OPTIONS = JSON.stringify(setup.options(standIn))
  })

  afterAll(async () => {
    await standIn?.close()
  })

  medusaIntegrationTestRunner({
    medusaConfigFile: path.resolve(__dirname, "../app"),
    testSuite: ({ api, getContainer }) => {
      const suite: PluginSuite = {
        api: api as Api,
        auth: { headers: {} },
        get standIn(): StandIn {
          if (!standIn) {
            throw new Error("the stand-in is not started yet")
          }
          return standIn
        },
        getContainer,
      }

      beforeAll(async () => {
        Object.assign(suite.auth.headers, (await loginAsAdmin(getContainer(), suite.api)).headers)
        if (setup.syncedFirst !== undefined) {
          expect(await syncNow(suite.api, suite.auth)).toMatchObject({ status: "success", created: setup.syncedFirst })
        }
      })

      if (setup.resetAfterEach ?? true) {
        afterEach(async () => {
          suite.standIn.reset({})
          suite.standIn.setFaults({})
          await waitUntilIdle(suite.api, suite.auth)
        })
      }

      tests(suite)
    },
  })
}
