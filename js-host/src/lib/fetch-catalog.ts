import {
  categoriesRequest,
  firstPageRequest,
  planRemainingPages,
  productRequests,
  readPageHeader,
} from "catalog-sync-core"
import type { PageRequest, SyncOptions } from "catalog-sync-core"
import { mapWithConcurrency } from "./concurrency"
import { fetchWithRetries } from "./source-fetch"
import type { BodyCheck, FetchAnswer, RequestCounters } from "./source-fetch"

/** Everything the source answered, as raw bodies (the core parses and validates them). */
export interface FetchedCatalog {
  /** Raw bodies of the `/products` pages, in page order (full sync). */
  pages: string[]
  /** Raw bodies of `/products/:id` answers (targeted sync). */
  products: string[]
  /** Source ids a targeted sync asked for and the source answered 404 for. */
  notFoundIds: number[]
  /** Raw body of `/products/categories` (display names of categories). */
  categoriesBody: string
  /** Number of product requests (pages or single products) the fetch planned. */
  pagesTotal: number
}

/** What the fetch reports while it runs. */
export interface FetchListener {
  /** The number of product requests is known. */
  onPlanned(pagesTotal: number): void
  /** One more product request (page or product) was answered. */
  onFetched(): void
}

/** Run identity and counters of a fetch. */
export interface CatalogFetchRun {
  runId: string
  counters: RequestCounters
}

const checkPage: BodyCheck = (body) => {
  readPageHeader(body)
}
const checkJson: BodyCheck = (body) => {
  JSON.parse(body)
}

/**
 * Fetches the whole catalog (or the listed products) from the source. Full sync: the first page
 * tells the total; the core plans the remaining pages, fetched with `options.concurrency` requests
 * in flight, together with the categories list. Targeted sync: one `/products/:id` per id.
 * Every request retries as the core decides; when one fails for good, the others are cancelled and
 * its error (naming URL and status) is thrown — nothing has been written at that point.
 *
 * @param options - validated plugin options
 * @param productIds - source ids of a targeted sync, or `null` for a full sync
 * @param run - run id (seeds retry jitter) and the request counters to update
 * @param listener - progress callbacks
 */
export async function fetchCatalog(
  options: SyncOptions,
  productIds: number[] | null,
  run: CatalogFetchRun,
  listener: FetchListener
): Promise<FetchedCatalog> {
  const cancel = new AbortController()
  let requestIndex = 0
  const get = async (request: PageRequest, check: BodyCheck): Promise<FetchAnswer> => {
    const index = requestIndex++
    try {
      return await fetchWithRetries(
        request,
        index,
        {
          runId: run.runId,
          maxRetries: options.maxRetries,
          requestTimeoutMs: options.requestTimeoutMs,
          counters: run.counters,
          signal: cancel.signal,
        },
        check
      )
    } catch (error) {
      cancel.abort(error)
      throw error
    }
  }
  const bodyOf = (answer: FetchAnswer): string => {
    if (answer.kind !== "body") {
      throw new Error("unexpected 404 for a catalog page")
    }
    return answer.body
  }

  if (productIds === null) {
    const first = bodyOf(await get(firstPageRequest(options), checkPage))
    const header = readPageHeader(first)
    const rest = planRemainingPages({ options, total: header.total, firstPageCount: header.count })
    listener.onPlanned(rest.length + 1)
    listener.onFetched()
    const requests: PageRequest[] = [...rest, categoriesRequest(options)]
    const answers = await mapWithConcurrency(requests, options.concurrency, async (request) => {
      const answer = await get(request, request.kind === "page" ? checkPage : checkJson)
      if (request.kind === "page") {
        listener.onFetched()
      }
      return bodyOf(answer)
    })
    return {
      pages: [first, ...answers.slice(0, rest.length)],
      products: [],
      notFoundIds: [],
      categoriesBody: answers[rest.length],
      pagesTotal: rest.length + 1,
    }
  }

  const requests = productRequests({ options, productIds })
  listener.onPlanned(requests.length)
  const all: PageRequest[] = [...requests, categoriesRequest(options)]
  const answers = await mapWithConcurrency(all, options.concurrency, async (request) => {
    const answer = await get(request, checkJson)
    if (request.kind === "product") {
      listener.onFetched()
    }
    return answer
  })
  const products: string[] = []
  const notFoundIds: number[] = []
  requests.forEach((request, i) => {
    const answer = answers[i]
    if (answer.kind === "body") {
      products.push(answer.body)
    } else if (request.productId !== null) {
      notFoundIds.push(request.productId)
    }
  })
  return {
    pages: [],
    products,
    notFoundIds,
    categoriesBody: bodyOf(answers[requests.length]),
    pagesTotal: requests.length,
  }
}
