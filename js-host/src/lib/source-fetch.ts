import http from "node:http"
import https from "node:https"
import { promisify } from "node:util"
import zlib from "node:zlib"
import type { AttemptLimits, PageRequest, SourceAnswer } from "catalog-sync-core"
import { describeNetworkError } from "./network-error"

/** The statuses whose `Location` the core may follow. */
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** The content encodings the attempt asks for, each decoded in one call of Node's thread pool. */
const DECODERS: Record<string, (body: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  "x-gzip": promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
}

/** The `Accept-Encoding` header: the encodings of {@link DECODERS}. */
const ACCEPT_ENCODING = "gzip, deflate, br"

/** A body as the source sent it, still in its content encoding (one of those {@link DECODERS} decodes). */
export interface ReceivedBody {
  /** The answer's `Content-Encoding`, lower case. */
  encoding: string
  /** The bytes as received. */
  bytes: Buffer
  /** The length of the text they decode to (UTF-16 code units, as `String.length`). */
  textLength: number
}

/**
 * An answer of {@link fetchPageOnce}: the core's `SourceAnswer`; a body that came compressed carries its bytes as
 * received too, so that the run can keep those instead of compressing the text again.
 */
export type FetchedAnswer = SourceAnswer & { received?: ReceivedBody }

/** What an answer's headers and raw body were, before decoding. */
interface RawAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  /** The body as received (still encoded), or `null` when it passed the byte cap. */
  body: Buffer | null
}

/**
 * ONE attempt of a source request, as the core's fetch loop (`fetchSource`) asks for it: a GET of
 * `request.url` with `Accept: application/json`, redirects not followed (the core decides whether a
 * redirect stays inside the source's origin), given up after `limits.timeoutMs` (body included), and
 * reading at most `limits.maxBytes` of the decoded body: past it the answer is `tooLarge`, so a padded or endless
 * body costs neither memory nor time (the received bytes count against the cap as they arrive, and a compressed
 * body is decoded with the cap as its output limit). Aborted at once when `limits.signal` aborts (the fetch is
 * over). Never rejects: every outcome is a `SourceAnswer`.
 *
 * Node's `http`/`https` client (keep-alive agents), not `fetch`: `fetch` decodes a compressed answer through a
 * stream per response, which took two to three times the CPU of the whole request at the default page size (30
 * products); here the body is received whole and decoded in one call on Node's thread pool, off the main thread.
 *
 * @param request - the request, as the core planned it
 * @param limits - the attempt's deadline and byte cap, and the fetch's abort signal
 */
export async function fetchPageOnce(request: PageRequest, limits: AttemptLimits): Promise<FetchedAnswer> {
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const signal = AbortSignal.any([deadline, limits.signal])
  try {
    const answer = await get(request.url, limits.maxBytes, signal)
    const location = answer.headers.location
    if (REDIRECTS.has(answer.status) && location !== undefined && URL.canParse(location, request.url)) {
      return { kind: "redirect", status: answer.status, location: new URL(location, request.url).href }
    }
    if (answer.status < 200 || answer.status > 299) {
      const retryAfter = answer.headers["retry-after"]
      return { kind: "http", status: answer.status, retryAfter: retryAfter ?? null }
    }
    const body = answer.body === null ? null : await decode(answer, limits.maxBytes)
    if (body === null) {
      return { kind: "tooLarge" }
    }
    const encoding = contentEncoding(answer)
    return encoding === "identity"
      ? { kind: "body", body }
      : { kind: "body", body, received: { encoding, bytes: answer.body as Buffer, textLength: body.length } }
  } catch (error) {
    if (deadline.aborted) {
      return { kind: "timeout" }
    }
    return { kind: "network", message: describeNetworkError(error) }
  }
}

/**
 * GETs `url` and receives the whole raw body, stopping (the socket destroyed) once more than `maxBytes` arrived or
 * `Content-Length` announces more (uncompressed answers only: the header counts encoded bytes). The body of a
 * status other than 2xx is not read.
 */
function get(url: string, maxBytes: number, signal: AbortSignal): Promise<RawAnswer> {
  const client = new URL(url).protocol === "https:" ? https : http
  return new Promise((resolve, reject) => {
    const req = client.get(url, { signal, headers: { accept: "application/json", "accept-encoding": ACCEPT_ENCODING } })
    req.on("error", reject)
    req.on("response", (response) => {
      response.on("error", reject)
      const status = response.statusCode ?? 0
      const done = (body: Buffer | null) => resolve({ status, headers: response.headers, body })
      const encoded = (response.headers["content-encoding"] ?? "identity") !== "identity"
      const declared = encoded ? NaN : Number(response.headers["content-length"] ?? NaN)
      if (status < 200 || status > 299 || declared > maxBytes) {
        response.destroy()
        done(null)
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          response.destroy()
          done(null)
          return
        }
        chunks.push(chunk)
      })
      response.on("end", () => done(Buffer.concat(chunks, size)))
      // A connection closed before the answer ended is a network error (a truncated body), not an answer.
      response.on("close", () => {
        if (!response.complete && size <= maxBytes) {
          reject(new Error("the connection closed before the answer ended"))
        }
      })
    })
  })
}

/**
 * The raw body as UTF-8 text, decoded per its `Content-Encoding` with `maxBytes` as the output limit, or `null` when
 * it decodes to more.
 * @throws for an encoding that was not asked for, or a body that does not decode
 */
async function decode(answer: RawAnswer, maxBytes: number): Promise<string | null> {
  const body = answer.body as Buffer
  const encoding = contentEncoding(answer)
  if (encoding === "identity") {
    return body.toString("utf8")
  }
  const decoder = DECODERS[encoding]
  if (!decoder) {
    throw new Error(`the answer has a content encoding that was not asked for: ${encoding}`)
  }
  try {
    return (await decoder(body, { maxOutputLength: maxBytes })).toString("utf8")
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      return null
    }
    throw error
  }
}

/** The answer's `Content-Encoding`, trimmed and lower case (`identity` when absent). */
function contentEncoding(answer: RawAnswer): string {
  return (answer.headers["content-encoding"] ?? "identity").trim().toLowerCase()
}
