import http from "node:http"
import type { AddressInfo } from "node:net"
import path from "node:path"

/** The canary of tests/dummyjson: counts every request that reaches it. */
export interface Canary {
  url: string
  port: number
  count(): number
  requests(): { method: string; url: string; localAddress: string }[]
  reset(): void
  close(): Promise<void>
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startCanary: start } = require(path.resolve(__dirname, "../../../tests/dummyjson/canary.js")) as {
  startCanary(options: { port: number; hosts: string[] }): Promise<Canary>
}

/** Starts a canary on a free port of 127.0.0.1 and ::1. */
export function startCanary(): Promise<Canary> {
  return start({ port: 0, hosts: ["127.0.0.1", "::1"] })
}

/** A server in front of the stand-in (the configured source): passes every request through, unless `redirect`
 *  names a target for it. */
export interface FrontDoor {
  url: string
  /** Where the stand-in is. */
  target: string
  /** The `Location` to answer 302 with for a request path (with its query), or `null` to pass it through. */
  redirect: (pathAndQuery: string) => string | null
  close(): Promise<void>
}

/** Starts a front door on a free port of 127.0.0.1. */
export async function startFrontDoor(): Promise<FrontDoor> {
  const door: FrontDoor = { url: "", target: "", redirect: () => null, close: async () => undefined }
  const server = http.createServer((request, response) => {
    const location = door.redirect(request.url ?? "/")
    if (location !== null) {
      response.writeHead(302, { location }).end()
      return
    }
    const upstream = http.request(
      `${door.target}${request.url}`,
      { method: request.method, headers: { ...request.headers, host: new URL(door.target).host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
    )
    upstream.on("error", () => response.destroy())
    response.on("close", () => upstream.destroy())
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  door.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  door.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return door
}
