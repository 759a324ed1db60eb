import type { IncomingMessage } from "node:http"

/** A request body read with a cap on what is kept. */
export interface CappedBody {
  /** The body's first bytes, at most the cap (the whole body when `length` is within the cap). */
  body: Buffer
  /** The number of body bytes the request carried in all. */
  length: number
}

/**
 * Reads a request body exactly as sent (no decoding, no JSON parsing), keeping at most `maxBytes`
 * of it. The rest is read and dropped, not left unread: the sender finishes sending before it gets
 * the answer, so even a huge body gets a clean answer (as Medusa's own body parser does), and memory
 * never holds more than `maxBytes`.
 *
 * @param request - the incoming request, its body not yet consumed
 * @param maxBytes - how many bytes to keep
 */
export async function readCappedBody(request: IncomingMessage, maxBytes: number): Promise<CappedBody> {
  const kept: Buffer[] = []
  let keptBytes = 0
  let length = 0
  for await (const chunk of request) {
    const bytes = chunk as Buffer
    length += bytes.length
    if (keptBytes < maxBytes) {
      const part = bytes.subarray(0, maxBytes - keptBytes)
      kept.push(part)
      keptBytes += part.length
    }
  }
  return { body: Buffer.concat(kept, keptBytes), length }
}
