import type { AttemptLimits, PageRequest, SourceAnswer } from "catalog-sync-core"
import { describeNetworkError } from "./network-error"

/** The statuses whose `Location` the core may follow. */
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * ONE attempt of a source request, as the core's fetch loop (`fetchSource`) asks for it: a GET of
 * `request.url` with `Accept: application/json`, redirects not followed (the core decides whether a
 * redirect stays inside the source's origin), given up after `limits.timeoutMs` (body included), and
 * reading at most `limits.maxBytes` of the decoded body: at one byte more the request is aborted and the
 * answer is `tooLarge`, so a padded or endless body costs neither memory nor time. Aborted at once when
 * `limits.signal` aborts (the fetch is over). Never rejects: every outcome is a `SourceAnswer`.
 *
 * @param request - the request, as the core planned it
 * @param limits - the attempt's deadline and byte cap, and the fetch's abort signal
 */
export async function fetchPageOnce(request: PageRequest, limits: AttemptLimits): Promise<SourceAnswer> {
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const signal = AbortSignal.any([deadline, limits.signal])
  try {
    const response = await fetch(request.url, {
      signal,
      redirect: "manual",
      headers: { accept: "application/json" },
    })
    const location = response.headers.get("location")
    if (REDIRECTS.has(response.status) && location !== null && URL.canParse(location, request.url)) {
      await response.body?.cancel()
      return { kind: "redirect", status: response.status, location: new URL(location, request.url).href }
    }
    if (!response.ok) {
      await response.body?.cancel()
      return { kind: "http", status: response.status, retryAfter: response.headers.get("retry-after") }
    }
    const body = await readTextAtMost(response, limits.maxBytes)
    return body === null ? { kind: "tooLarge" } : { kind: "body", body }
  } catch (error) {
    if (deadline.aborted) {
      return { kind: "timeout" }
    }
    return { kind: "network", message: describeNetworkError(error) }
  }
}

/**
 * The body as UTF-8 text, or `null` when it is longer than `maxBytes` (announced by `Content-Length`, or
 * counted while reading): reading stops and the rest is cancelled.
 */
async function readTextAtMost(response: Response, maxBytes: number): Promise<string | null> {
  // With a content encoding (gzip…) the header counts encoded bytes, not what the body decodes to.
  const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity"
  const declared = encoded ? NaN : Number(response.headers.get("content-length") ?? NaN)
  if (declared > maxBytes) {
    await response.body?.cancel()
    return null
  }
  if (!response.body) {
    return ""
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size).toString("utf8")
}
