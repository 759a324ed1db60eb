import { spawn } from "node:child_process"
import path from "node:path"
import { Client } from "@medusajs/framework/pg"

jest.setTimeout(120_000)

const APP_DIR = path.resolve(__dirname, "../app")
const MEDUSA_CLI = path.resolve(__dirname, "../../node_modules/@medusajs/cli/cli.js")
const DATABASE = `catalog_sync_boot_options_${process.pid}`

function adminClient(): Client {
  return new Client({
    host: process.env.DB_HOST ?? "localhost",
    port: Number(process.env.DB_PORT ?? 5432),
    user: process.env.DB_USERNAME ?? "postgres",
    password: process.env.DB_PASSWORD || undefined,
    database: "postgres",
  })
}

async function withAdminClient(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = adminClient()
  await client.connect()
  try {
    await work(client)
  } finally {
    await client.end()
  }
}

/** Runs `medusa start` for the test app with these plugin options; resolves with exit code and output. */
function startMedusa(options: Record<string, unknown>): Promise<{ code: number | null; output: string }> {
  const credentials = process.env.DB_PASSWORD ? `:${process.env.DB_PASSWORD}` : ""
  const env = {
    ...process.env,
    NODE_ENV: "development",
    MEDUSA_DISABLE_TELEMETRY: "true",
    DATABASE_URL: `postgres://${process.env.DB_USERNAME ?? "postgres"}${credentials}@${process.env.DB_HOST ?? "localhost"}:${process.env.DB_PORT ?? 5432}/${DATABASE}`,
    CATALOG_SYNC_TEST_OPTIONS: JSON.stringify(options),
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEDUSA_CLI, "start", "--port", "0", "--host", "127.0.0.1"], {
      cwd: APP_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`medusa start did not stop within 90 s:\n${output}`))
    }, 90_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe("plugin options", () => {
  beforeAll(async () => {
    await withAdminClient((client) => client.query(`CREATE DATABASE "${DATABASE}"`))
  })

  afterAll(async () => {
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${DATABASE}"`))
  })

  it("stops Medusa's boot with a message naming a bad option", async () => {
    const { code, output } = await startMedusa({ sourceUrl: "http://127.0.0.1:9", pageSize: "abc" })
    expect(code).not.toBe(0)
    expect(output).toContain('catalog-sync option "pageSize"')
    expect(output).toContain("abc")
    expect(output).not.toContain("Server is ready")
  })
})
