import path from "node:path"
import type { Api } from "./admin"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WEBHOOK_PATH, signWebhook } = require(path.resolve(__dirname, "../../../tests/support/webhook-client.js")) as {
  /** The webhook route. */
  WEBHOOK_PATH: string
  /** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`, computed with Node's crypto. */
  signWebhook(secret: string, timestamp: string, body: Buffer): string
}

export { signWebhook }

/** What the route answers: 202 `{ run_id, queued }`, 200 `{ duplicate: true }` for a replay, or `{ code, message }` for a refusal. */
export interface WebhookAnswer {
  status: number
  data: { run_id?: string; queued?: boolean; duplicate?: boolean; code?: string; message?: string }
}

/** Options of {@link postWebhook}: what to change from a correctly signed call. */
export interface WebhookCallOptions {
  /** Unix seconds of the timestamp header (default: now). */
  timestamp?: number
  /** The signature header's value (default: the correct signature); `null` leaves the header out. */
  signature?: string | null
  /** The content type (default `application/json`). */
  contentType?: string
}

/**
 * Sends `body` (a string or bytes, sent exactly as given) to the webhook route, signed with `secret`
 * unless told otherwise, and returns the answer whatever its status.
 */
export async function postWebhook(
  api: Api,
  secret: string,
  body: string | Buffer,
  options: WebhookCallOptions = {}
): Promise<WebhookAnswer> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  const signature = options.signature === undefined ? signWebhook(secret, timestamp, bytes) : options.signature
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "x-webhook-timestamp": timestamp,
  }
  if (signature !== null) {
    headers["x-webhook-signature"] = signature
  }
  return api.post(WEBHOOK_PATH, bytes, {
    headers,
    validateStatus: () => true,
    maxBodyLength: Infinity,
    transformRequest: [(data: unknown) => data],
  }) as Promise<WebhookAnswer>
}
