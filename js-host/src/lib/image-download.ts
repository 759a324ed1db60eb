import type { FetchOutcome, ImageDownload } from "catalog-sync-core"

/** A 2xx image answer: what the core judges (`ImageCopier.accept`). */
export interface ImageBody {
  kind: "body"
  head: ImageDownload
  /** The bytes received, at most `maxBytes + 1` (reading stops there: the core then refuses the image). */
  bytes: Uint8Array
}

/**
 * One GET of an image URL, turned into its body or a failed outcome for the core's retry decision.
 * Reads at most `maxBytes + 1` bytes, and nothing when `Content-Length` already announces more: an
 * oversized image costs neither memory nor bandwidth.
 *
 * @param url - the image's source URL
 * @param maxBytes - the `imageMaxBytes` option
 * @param timeoutMs - the `requestTimeoutMs` option (the whole answer, body included)
 */
export async function downloadImageOnce(
  url: string,
  maxBytes: number,
  timeoutMs: number
): Promise<ImageBody | FetchOutcome> {
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), timeoutMs)
  try {
    const response = await fetch(url, { signal: timeout.signal, headers: { accept: "image/*" } })
    if (!response.ok) {
      await response.body?.cancel()
      return { kind: "http", status: response.status, retryAfter: response.headers.get("retry-after") }
    }
    // With a content encoding (gzip…) the header counts encoded bytes, not the image's.
    const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity"
    const lengthHeader = encoded ? null : response.headers.get("content-length")
    const declaredLength = lengthHeader === null || lengthHeader === "" ? null : Number(lengthHeader)
    const head: ImageDownload = {
      url,
      contentType: response.headers.get("content-type"),
      declaredLength: declaredLength !== null && Number.isFinite(declaredLength) ? declaredLength : null,
    }
    if (head.declaredLength !== null && head.declaredLength > maxBytes) {
      await response.body?.cancel()
      return { kind: "body", head, bytes: new Uint8Array(0) }
    }
    return { kind: "body", head, bytes: await readAtMost(response, maxBytes + 1) }
  } catch (error) {
    if (timeout.signal.aborted) {
      return { kind: "timeout", timeoutMs }
    }
    const err = error as Error & { cause?: { code?: string; message?: string } }
    const cause = err.cause?.code ?? err.cause?.message
    return { kind: "network", message: cause ? `${err.message} (${cause})` : err.message }
  } finally {
    clearTimeout(timer)
  }
}

/** Reads a response body up to `limit` bytes, then stops reading (and cancels the rest). */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array> {
  if (!response.body) {
    return new Uint8Array(0)
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  while (size < limit) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    chunks.push(value)
    size += value.byteLength
  }
  if (size >= limit) {
    await reader.cancel()
  }
  const bytes = new Uint8Array(Math.min(size, limit))
  let offset = 0
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset)
    bytes.set(part, offset)
    offset += part.byteLength
    if (offset === bytes.length) {
      break
    }
  }
  return bytes
}
