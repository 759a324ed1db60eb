import { brotliDecompressSync, deflateRawSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib"
import type { AcceptedBody, FetchedOutline, PlanWindow } from "catalog-sync-core"
import type { FetchedAnswer } from "./source-fetch"

/** zlib level of a body this process compresses: the fastest (JSON pages still shrink about 8x). */
const PACK_LEVEL = 1

/** A kept body: compressed, by the source (its bytes as received) or by this process (raw deflate). */
interface Packed {
  /** How `bytes` decode: a `Content-Encoding` of the source's, or `deflate-raw` (this process's). */
  codec: string
  bytes: Buffer
}

/** Decoders of kept bodies, by codec (the source's content encodings that `fetchPageOnce` asks for, and ours). */
const UNPACKERS = new Map<string, (bytes: Buffer) => Buffer>([
  ["gzip", gunzipSync],
  ["x-gzip", gunzipSync],
  ["deflate", inflateSync],
  ["br", brotliDecompressSync],
  ["deflate-raw", inflateRawSync],
])
/** Bodies handed to the core per call when it reads them a few at a time (100 pages of 100 products: ~10 MB). */
const BODIES_PER_CHUNK = 100

/** The bodies a run fetched, every one as text (for a preview, which reads them all at once). */
export interface FetchedBodies {
  /** `/products` page bodies, in catalog order. */
  pages: string[]
  /** `/products/:id` bodies (a targeted run), in request order. */
  products: string[]
}

/** A fetch with every body as text again. */
export type FetchedWithBodies = FetchedOutline & FetchedBodies

/** The fetch with every body as text again (a preview). */
export function withBodies(outline: FetchedOutline, bodies: SourceBodies): FetchedWithBodies {
  return { ...outline, ...bodies.all() }
}

/** A reader of the core's that takes source bodies a few at a time (`TaxonomyReader`, `ImageCopyReader`, `CatalogPlanner`). */
export interface BodyReader {
  readPages(bodies: string[]): void
  readProducts(bodies: string[]): void
}

/**
 * Reads every body of the run into a new reader of the core's and returns what `plan` makes of it (a reader's
 * `plan` ends it); the reader is freed if the reading throws.
 */
export function planFromBodies<R extends BodyReader & { free(): void }, P>(
  bodies: SourceBodies,
  reader: R,
  plan: (reader: R) => P
): P {
  try {
    bodies.readInto(reader)
  } catch (error) {
    reader.free()
    throw error
  }
  return plan(reader)
}

/**
 * The source bodies of one run, kept in the process executing it instead of in the workflow (which keeps every
 * step's output until the run ends), each compressed from the moment the fetch hands it over (`onBody`): a
 * catalog's text is never held whole, in JavaScript or in WebAssembly. A body the source sent compressed is kept
 * as it was received (compressing the text again cost 1.5 s of the Node thread for 100,000 products); one sent as
 * plain text is compressed here. Readers given at construction read each body as it arrives, from the text
 * the fetch holds anyway (a sync's `TaxonomyReader`: the bodies are then inflated once less); the image copy and
 * the planner read them a few at a time afterwards ({@link readInto}); only a preview takes them all ({@link all}).
 * Once the plan is outlined, {@link keepForWindows} drops every body no window is made from, and {@link windowBodies} hands a
 * window's bodies over and forgets those no later window needs. So while the products are written the run holds the
 * compressed bodies of the windows still to write, and an unchanged resync (no window) holds none.
 */
export class SourceBodies {
  /** Compressed page bodies by position (`skip` order). */
  private pages: Packed[] = []
  /** Compressed product bodies by request position; a product answered 404 leaves a hole. */
  private products: Packed[] = []
  /** Compressed bodies by plan position (pages, then products), once the plan kept its windows' bodies. */
  private readonly packed = new Map<number, Packed>()
  /** The last window that needs each kept body. */
  private readonly lastWindow = new Map<number, number>()
  private reduced = false

  /** @param alongside - readers handed each body as it is added, before it is compressed */
  constructor(private readonly alongside: BodyReader[] = []) {}

  /**
   * Hands a body the fetch accepted to the readers alongside, then keeps it compressed: as received when `answer`
   * (the answer it came in) carries its compressed bytes for a text of the same length, else compressed here.
   */
  add(accepted: AcceptedBody, answer?: FetchedAnswer): void {
    for (const reader of this.alongside) {
      if (accepted.kind === "page") {
        reader.readPages([accepted.body])
      } else {
        reader.readProducts([accepted.body])
      }
    }
    const kept = accepted.kind === "page" ? this.pages : this.products
    const received = answer?.received
    kept[accepted.position] =
      received && UNPACKERS.has(received.encoding) && received.textLength === accepted.body.length
        ? { codec: received.encoding, bytes: received.bytes }
        : { codec: "deflate-raw", bytes: deflateRawSync(accepted.body, { level: PACK_LEVEL }) }
  }

  /**
   * The bodies in plan order — the pages, then the products — compressed; throws once the plan kept only its
   * windows' bodies.
   */
  private ordered(): { pages: Packed[]; products: Packed[] } {
    if (this.reduced) {
      throw new Error("catalog-sync: the source bodies were already reduced to the plan's windows")
    }
    // `filter` skips the holes a product answered 404 leaves.
    return { pages: this.pages.filter(Boolean), products: this.products.filter(Boolean) }
  }

  /** Hands every body to `reader` as text, a chunk at a time, in plan order: the pages, then the products. */
  readInto(reader: BodyReader): void {
    const { pages, products } = this.ordered()
    for (let i = 0; i < pages.length; i += BODIES_PER_CHUNK) {
      reader.readPages(pages.slice(i, i + BODIES_PER_CHUNK).map(unpack))
    }
    for (let i = 0; i < products.length; i += BODIES_PER_CHUNK) {
      reader.readProducts(products.slice(i, i + BODIES_PER_CHUNK).map(unpack))
    }
  }

  /** Every body as text. */
  all(): FetchedBodies {
    const { pages, products } = this.ordered()
    return { pages: pages.map(unpack), products: products.map(unpack) }
  }

  /**
   * Keeps only the bodies the windows are made from (`window.bodies`: positions among the pages, then the
   * products) and drops every other.
   */
  keepForWindows(windows: PlanWindow[]): void {
    const { pages, products } = this.ordered()
    windows.forEach((window, index) => {
      for (const position of window.bodies) {
        this.lastWindow.set(position, index)
        const body = position < pages.length ? pages[position] : products[position - pages.length]
        if (body) {
          this.packed.set(position, body)
        }
      }
    })
    this.pages = []
    this.products = []
    this.reduced = true
  }

  /** The bodies of window `index` as text, in the window's order; forgets the ones no later window needs. */
  windowBodies(window: PlanWindow, index: number): string[] {
    return window.bodies.map((position) => {
      const packed = this.packed.get(position)
      if (!packed) {
        throw new Error(`catalog-sync: body ${position} of window ${index} is not kept`)
      }
      if ((this.lastWindow.get(position) ?? index) <= index) {
        this.packed.delete(position)
        this.lastWindow.delete(position)
      }
      return unpack(packed)
    })
  }

  /** Drops every body (the run ended). */
  free(): void {
    this.pages = []
    this.products = []
    this.packed.clear()
    this.lastWindow.clear()
  }
}

/** A kept body as text again. */
function unpack(packed: Packed): string {
  const decode = UNPACKERS.get(packed.codec)
  if (!decode) {
    throw new Error(`catalog-sync: no decoder for a body kept as ${packed.codec}`)
  }
  return decode(packed.bytes).toString("utf8")
}
