import { readFileSync } from "node:fs"
import http from "node:http"
import path from "node:path"
import type { AddressInfo } from "node:net"
import { brotliCompressSync, deflateSync, gunzipSync, gzipSync } from "node:zlib"
import { TaxonomyReader } from "catalog-sync-core"
import type { AcceptedBody, SourceAnswer, TaxonomyStore } from "catalog-sync-core"
import { SourceBodies } from "../../src/lib/source-bodies"
import type { BodyReader } from "../../src/lib/source-bodies"
import { fetchPageOnce } from "../../src/lib/source-fetch"
import type { FetchedAnswer } from "../../src/lib/source-fetch"

/**
 * How a run keeps its source bodies (no Medusa needed): a body the source sent compressed is kept as received and
 * read back as the very text the core accepted; anything else is compressed here.
 */

/** A page body of `count` products (about 700 bytes each). */
function pageBody(skip: number, count: number): string {
  const products = Array.from({ length: count }, (_, i) => ({
    id: skip + i + 1,
    title: `Product ${skip + i + 1} — ünïcödé`,
    description: "A product of the catalog, described at some length so that the page compresses well. ".repeat(8),
  }))
  return JSON.stringify({ products, total: 1000, skip, limit: count })
}

/** A reader that records every body it is handed, in order. */
function recorder(): BodyReader & { pages: string[]; products: string[] } {
  const reader = {
    pages: [] as string[],
    products: [] as string[],
    readPages: (bodies: string[]) => void reader.pages.push(...bodies),
    readProducts: (bodies: string[]) => void reader.products.push(...bodies),
  }
  return reader
}

const ENCODERS: Record<string, (text: string) => Buffer> = {
  gzip: (text) => gzipSync(text),
  "x-gzip": (text) => gzipSync(text),
  deflate: (text) => deflateSync(text),
  br: (text) => brotliCompressSync(text),
}

describe("SourceBodies", () => {
  it.each(Object.keys(ENCODERS))("keeps a body received as %s and reads it back as the text accepted", (encoding) => {
    const bodies = new SourceBodies()
    const texts = [pageBody(0, 100), pageBody(100, 100), pageBody(200, 3)]
    texts.forEach((body, position) => {
      const bytes = ENCODERS[encoding](body)
      const answer: FetchedAnswer = { kind: "body", body, received: { encoding, bytes, textLength: body.length } }
      bodies.add({ kind: "page", position, body }, answer)
    })
    bodies.add({ kind: "product", position: 0, body: pageBody(5, 1) }, { kind: "body", body: pageBody(5, 1) })
    const reader = recorder()
    bodies.readInto(reader)
    expect(reader.pages).toEqual(texts)
    expect(reader.products).toEqual([pageBody(5, 1)])
  })

  it("compresses a body itself when the answer has no received bytes, or bytes of another text", () => {
    const bodies = new SourceBodies()
    const accepted: AcceptedBody = { kind: "page", position: 0, body: pageBody(0, 50) }
    const other = pageBody(0, 49)
    // Bytes that decode to another text (of another length) are not the accepted body's: the text is kept.
    const mismatched: FetchedAnswer = {
      kind: "body",
      body: other,
      received: { encoding: "gzip", bytes: gzipSync(other), textLength: other.length },
    }
    bodies.add(accepted, mismatched)
    bodies.add({ kind: "page", position: 1, body: pageBody(50, 50) })
    // An encoding the run cannot decode again is not kept as received either.
    const odd: FetchedAnswer = {
      kind: "body",
      body: pageBody(100, 50),
      received: { encoding: "zstd", bytes: Buffer.from("not zstd"), textLength: pageBody(100, 50).length },
    }
    bodies.add({ kind: "page", position: 2, body: pageBody(100, 50) }, odd)
    const reader = recorder()
    bodies.readInto(reader)
    expect(reader.pages).toEqual([pageBody(0, 50), pageBody(50, 50), pageBody(100, 50)])
  })

  it("hands each window its bodies, kept as received, and forgets them after their last window", () => {
    const bodies = new SourceBodies()
    const texts = [pageBody(0, 10), pageBody(10, 10), pageBody(20, 10)]
    texts.forEach((body, position) => {
      const answer: FetchedAnswer = {
        kind: "body",
        body,
        received: { encoding: "gzip", bytes: gzipSync(body), textLength: body.length },
      }
      bodies.add({ kind: "page", position, body }, answer)
    })
    const windows = [
      { bodies: [0, 1], firstBatch: 0, batchCount: 1 },
      { bodies: [1, 2], firstBatch: 1, batchCount: 1 },
    ]
    bodies.keepForWindows(windows)
    expect(bodies.windowBodies(windows[0], 0)).toEqual([texts[0], texts[1]])
    expect(bodies.windowBodies(windows[1], 1)).toEqual([texts[1], texts[2]])
    expect(() => bodies.windowBodies(windows[1], 1)).toThrow("is not kept")
  })
})

/** The core's taxonomy fixture that creates missing categories, named from the categories body. */
const TAXONOMY_FIXTURE = path.join(__dirname, "../../../tests/fixtures/categories/create_missing_with_names_from_body")

describe("SourceBodies readers alongside", () => {
  it("hands each body to them as it is added, page or product, in the order added", () => {
    const alongside = recorder()
    const bodies = new SourceBodies([alongside])
    bodies.add({ kind: "page", position: 1, body: pageBody(10, 10) })
    bodies.add({ kind: "product", position: 0, body: pageBody(7, 1) })
    bodies.add({ kind: "page", position: 0, body: pageBody(0, 10) })
    expect(alongside.pages).toEqual([pageBody(10, 10), pageBody(0, 10)])
    expect(alongside.products).toEqual([pageBody(7, 1)])
    // The bodies are still kept for the readers that come after the fetch, in plan order.
    const after = recorder()
    bodies.readInto(after)
    expect(after.pages).toEqual([pageBody(0, 10), pageBody(10, 10)])
  })

  it("gives the core's taxonomy reader fed during the fetch the plan a reading afterwards gives", () => {
    const input = JSON.parse(readFileSync(path.join(TAXONOMY_FIXTURE, "input.json"), "utf8"))
    const existing = JSON.parse(readFileSync(path.join(TAXONOMY_FIXTURE, "existing.json"), "utf8"))
    const expected = JSON.parse(readFileSync(path.join(TAXONOMY_FIXTURE, "expected.json"), "utf8"))
    const products: unknown[] = input.pages.flatMap((page: { products: unknown[] }) => page.products)
    const pages = products.map((product, skip) =>
      JSON.stringify({ products: [product], total: products.length, skip, limit: 1 })
    )
    const store: TaxonomyStore = {
      categoriesBody: JSON.stringify(input.categoriesBody),
      existingCategories: existing.categories,
      existingTags: [],
    }
    const during = new TaxonomyReader()
    const bodies = new SourceBodies([during])
    // Pages arrive out of order (several requests in flight); the last one comes as a single product's body.
    pages.slice(0, -1).reverse().forEach((body, index) => {
      bodies.add({ kind: "page", position: pages.length - 2 - index, body })
    })
    bodies.add({ kind: "product", position: 0, body: JSON.stringify(products[products.length - 1]) })
    const after = new TaxonomyReader()
    bodies.readInto(after)
    const planDuring = during.plan(store)
    expect(planDuring).toEqual(after.plan(store))
    expect(planDuring.categories.create).toEqual(expected.create)
    expect(planDuring.tags.create.length).toBeGreaterThan(0)
  })
})

describe("fetchPageOnce", () => {
  let server: http.Server
  let base: string

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const body = pageBody(0, 20)
      if (req.url === "/gzip") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        res.end(gzipSync(body))
        return
      }
      res.writeHead(200, { "content-type": "application/json" })
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const limits = () => ({ timeoutMs: 5_000, maxBytes: 1 << 20, attempt: 1, signal: new AbortController().signal })
  const request = (path: string) => ({ kind: "page" as const, url: `${base}${path}`, skip: 0, limit: 20, productId: null })

  it("returns a compressed body's bytes as received with the decoded text", async () => {
    const answer = await fetchPageOnce(request("/gzip"), limits())
    expect(answer.kind).toBe("body")
    const body = (answer as Extract<SourceAnswer, { kind: "body" }>).body
    expect(body).toBe(pageBody(0, 20))
    expect(answer.received?.encoding).toBe("gzip")
    expect(answer.received?.textLength).toBe(body.length)
    expect(gunzipSync(answer.received?.bytes ?? Buffer.alloc(0)).toString("utf8")).toBe(body)
  })

  it("returns a plain body without received bytes", async () => {
    const answer = await fetchPageOnce(request("/plain"), limits())
    expect(answer).toEqual({ kind: "body", body: pageBody(0, 20) })
  })
})
