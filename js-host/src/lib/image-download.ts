import { lookup as dnsLookup } from "node:dns"
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from "node:dns"
import http from "node:http"
import type { IncomingMessage } from "node:http"
import https from "node:https"
import { isIP } from "node:net"
import { classifyAddress } from "catalog-sync-core"
import type { AddressClass, FetchOutcome, ImageCopier, ImageDownload, Refusal } from "catalog-sync-core"
import { describeNetworkError } from "./network-error"

/** A 2xx image answer: what the core judges (`ImageCopier.accept`). */
export interface ImageBody {
  kind: "body"
  head: ImageDownload
  /** The bytes received, at most `maxBytes + 1` (reading stops there: the core then refuses the image). */
  bytes: Uint8Array
}

/** The limits of one attempt at an image. */
export interface ImageAttemptLimits {
  /** The `imageMaxBytes` option. */
  maxBytes: number
  /** The `requestTimeoutMs` option: the whole attempt, redirects and body included. */
  timeoutMs: number
}

/** A redirect answer of one hop, with its target resolved against the hop's URL (`null`: not a URL). */
type HopAnswer = ImageBody | FetchOutcome | { kind: "redirect"; location: string | null }

/** The statuses whose `Location` is followed (when the core allows the next hop). */
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * One attempt at an image, as the core allows it. Every hop — the image URL, then each redirect's target,
 * followed here by hand — is first checked by the core (`copier.checkHop`: at most three redirects, http(s)
 * only); a hop to an origin that is neither the source's nor one of `imageHosts` goes out only when EVERY
 * address its host resolves to is public (`classifyAddress`), checked at connect time (the resolver is
 * this function's, so a name that resolves to a public address once and a private one later gains
 * nothing). A refused hop sends nothing and answers `{ kind: "refused" }`. Reads at most `maxBytes + 1`
 * bytes, and nothing when `Content-Length` already announces more.
 *
 * @param copier - the run's image copier (its hop checks)
 * @param url - the image's source URL
 * @param limits - the byte cap and the attempt's deadline
 */
export async function downloadImageOnce(
  copier: ImageCopier,
  url: string,
  limits: ImageAttemptLimits
): Promise<ImageBody | FetchOutcome> {
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  let target: string | null = URL.canParse(url) ? new URL(url).href : null
  for (let hop = 0; ; hop++) {
    if (target === null) {
      return refused({ kind: "scheme", hop })
    }
    const check = copier.checkHop(target, hop)
    if (check.action === "refuse") {
      return refused(check.refusal)
    }
    const answer = await requestHop(url, target, hop, check.checkAddress, limits, deadline)
    if (answer.kind !== "redirect") {
      return answer
    }
    target = answer.location
  }
}

function refused(refusal: Refusal): FetchOutcome {
  return { kind: "refused", refusal }
}

/** One hop: a GET of `target`, connected only to public addresses when `checkAddress`. */
function requestHop(
  url: string,
  target: string,
  hop: number,
  checkAddress: boolean,
  limits: ImageAttemptLimits,
  deadline: AbortSignal
): Promise<HopAnswer> {
  const parsed = new URL(target)
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1")
  if (checkAddress && isIP(hostname)) {
    const kind = classifyAddress(hostname)
    if (kind !== "public") {
      return Promise.resolve(refused({ kind: "address", class: kind, hop }))
    }
  }
  return new Promise<HopAnswer>((resolve) => {
    let refusal: Refusal | null = null
    let settled = false
    const settle = (answer: HopAnswer): void => {
      if (!settled) {
        settled = true
        resolve(answer)
      }
    }
    const fail = (error: unknown): void => {
      if (refusal) {
        settle(refused(refusal))
      } else if (deadline.aborted) {
        settle({ kind: "timeout", timeoutMs: limits.timeoutMs })
      } else {
        settle({ kind: "network", message: describeNetworkError(error) })
      }
    }
    const lookup = checkAddress
      ? publicOnlyLookup((kind) => {
          refusal = { kind: "address", class: kind, hop }
        })
      : undefined
    const client = parsed.protocol === "https:" ? https : http
    const request = client.request(
      parsed,
      // Identity: the byte cap and the declared length are the image's own bytes.
      { method: "GET", headers: { accept: "image/*", "accept-encoding": "identity" }, signal: deadline, lookup },
      (response) => {
        response.on("error", fail)
        const location = response.headers.location
        if (REDIRECTS.has(response.statusCode ?? 0) && location) {
          response.destroy()
          settle({ kind: "redirect", location: URL.canParse(location, target) ? new URL(location, target).href : null })
          return
        }
        const status = response.statusCode ?? 0
        if (status < 200 || status > 299) {
          response.destroy()
          const retryAfter = response.headers["retry-after"]
          settle({ kind: "http", status, retryAfter: typeof retryAfter === "string" ? retryAfter : null })
          return
        }
        readImage(url, response, limits.maxBytes).then(settle, fail)
      }
    )
    request.on("error", fail)
    request.end()
  })
}

/**
 * A `lookup` for `http.request` that resolves the name itself and hands the addresses on only when every
 * one is public; otherwise it reports the first non-public class through `onRefused` and fails the
 * connection (no socket is opened).
 */
function publicOnlyLookup(onRefused: (kind: Exclude<AddressClass, "public">) => void) {
  return (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, [])
        return
      }
      for (const { address } of addresses) {
        const kind = classifyAddress(address)
        if (kind !== "public") {
          onRefused(kind)
          callback(Object.assign(new Error("refused by catalog-sync"), { code: "EREFUSED_ADDRESS" }), [])
          return
        }
      }
      if (options.all) {
        callback(null, addresses)
      } else {
        callback(null, addresses[0].address, addresses[0].family)
      }
    })
  }
}

/** Reads a 2xx image answer: its head, and at most `maxBytes + 1` bytes (none when the length says more). */
async function readImage(url: string, response: IncomingMessage, maxBytes: number): Promise<ImageBody> {
  // With a content encoding (gzip…) the header counts encoded bytes, not the image's.
  const encoded = (response.headers["content-encoding"] ?? "identity") !== "identity"
  const lengthHeader = encoded ? undefined : response.headers["content-length"]
  const declaredLength = lengthHeader === undefined || lengthHeader === "" ? null : Number(lengthHeader)
  const contentType = response.headers["content-type"]
  const head: ImageDownload = {
    url,
    contentType: contentType ?? null,
    declaredLength: declaredLength !== null && Number.isFinite(declaredLength) ? declaredLength : null,
  }
  if (head.declaredLength !== null && head.declaredLength > maxBytes) {
    response.destroy()
    return { kind: "body", head, bytes: new Uint8Array(0) }
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response) {
    chunks.push(chunk as Buffer)
    size += (chunk as Buffer).length
    if (size > maxBytes) {
      response.destroy()
      break
    }
  }
  const bytes = Buffer.concat(chunks, size)
  return { kind: "body", head, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(size, maxBytes + 1)) }
}
