import { decideRetry } from "catalog-sync-core"
import type { FetchOutcome, PageRequest } from "catalog-sync-core"
import { retrySeed } from "./retry-seed"

/** Counters shared by every request of one run. */
export interface RequestCounters {
  /** HTTP requests sent (every attempt counts). */
  requests: number
  /** Attempts that were retries (attempt ≥ 2). */
  retries: number
}

/** What a fetch needs besides the request: run identity, limits, counters and a cancel signal. */
export interface FetchContext {
  runId: string
  maxRetries: number
  requestTimeoutMs: number
  counters: RequestCounters
  /** Aborted when the run gives up (another request failed for good): stops waits and requests. */
  signal: AbortSignal
}

/** The answer to a request: the body, or "not found" for a `/products/:id` the source answered 404 for. */
export type FetchAnswer = { kind: "body"; body: string } | { kind: "notFound" }

/**
 * Checks a 2xx body before it is accepted; throws when the body is unusable (truncated envelope…),
 * which counts as a `malformed` outcome and is retried like a 5xx.
 */
export type BodyCheck = (body: string) => void

/**
 * A request that failed for good: the core decided not to retry (after the last attempt, or a 4xx).
 * `message` names the URL and the last status, e.g.
 * `GET http://…/products?limit=30&skip=60 failed after 5 attempts: HTTP 503`.
 */
export class SourceRequestError extends Error {
  /** The core's code: `SOURCE_UNAVAILABLE` or `SOURCE_HTTP_ERROR`. */
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = "SourceRequestError"
    this.code = code
  }
}

/**
 * GETs one URL of the source and retries as the core's `decideRetry` decides (network error,
 * timeout, 5xx, 429 with `Retry-After`, malformed body). Each attempt has its own
 * `requestTimeoutMs` deadline, enforced with an `AbortController`.
 *
 * @param request - the request, as planned by the core
 * @param requestIndex - the index of this request within the run (seeds the backoff jitter)
 * @param context - run identity, limits, counters, cancel signal
 * @param check - validates a 2xx body; a throw counts as a malformed answer
 * @throws {SourceRequestError} when the core decides to give up
 */
export async function fetchWithRetries(
  request: PageRequest,
  requestIndex: number,
  context: FetchContext,
  check: BodyCheck
): Promise<FetchAnswer> {
  const seed = retrySeed(context.runId, requestIndex)
  for (let attempt = 1; ; attempt++) {
    context.signal.throwIfAborted()
    context.counters.requests++
    if (attempt > 1) {
      context.counters.retries++
    }
    const outcome = await attemptOnce(request, context, check)
    if (outcome.kind === "body" || outcome.kind === "notFound") {
      return outcome
    }
    const decision = decideRetry({
      attempt,
      maxRetries: context.maxRetries,
      seed,
      nowMs: Date.now(),
      url: request.url,
      outcome,
    })
    if (decision.action === "fail") {
      throw new SourceRequestError(decision.code, decision.message)
    }
    await sleep(decision.delayMs, context.signal)
  }
}

/** One HTTP attempt, turned into an answer or a failed outcome for the core to judge. */
async function attemptOnce(
  request: PageRequest,
  context: FetchContext,
  check: BodyCheck
): Promise<FetchAnswer | FetchOutcome> {
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), context.requestTimeoutMs)
  const signal = AbortSignal.any([timeout.signal, context.signal])
  try {
    const response = await fetch(request.url, { signal, headers: { accept: "application/json" } })
    const body = await response.text()
    if (request.kind === "product" && response.status === 404) {
      return { kind: "notFound" }
    }
    if (!response.ok) {
      return { kind: "http", status: response.status, retryAfter: response.headers.get("retry-after") }
    }
    try {
      check(body)
    } catch (error) {
      return { kind: "malformed", message: (error as Error).message }
    }
    return { kind: "body", body }
  } catch (error) {
    context.signal.throwIfAborted()
    if (timeout.signal.aborted) {
      return { kind: "timeout", timeoutMs: context.requestTimeoutMs }
    }
    return { kind: "network", message: describeNetworkError(error) }
  } finally {
    clearTimeout(timer)
  }
}

/** `fetch failed` hides the reason in `cause` (ECONNREFUSED, ECONNRESET…): surface it. */
function describeNetworkError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } }
  const cause = err.cause?.code ?? err.cause?.message
  return cause ? `${err.message} (${cause})` : err.message
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    signal.addEventListener("abort", onAbort, { once: true })
  })
}
