import { deflateRawSync, inflateRawSync } from "node:zlib"
import type { FetchedSource, PlanWindow } from "catalog-sync-core"

/** zlib level of a kept body: the fastest (JSON pages still shrink about 7x). */
const PACK_LEVEL = 1

/** What the workflow carries of a fetch: everything but the bodies, which the run keeps in a {@link SourceBodies}. */
export type FetchedOutline = Omit<FetchedSource, "pages" | "products">

/** The fetch with every body as text again (for the steps before the plan). */
export function withBodies(outline: FetchedOutline, bodies: SourceBodies): FetchedSource {
  return { ...outline, ...bodies.all() }
}

/** The bodies a run fetched, as the steps before the plan read them (every one, as text). */
export interface FetchedBodies {
  /** `/products` page bodies, in catalog order. */
  pages: string[]
  /** `/products/:id` bodies (a targeted run). */
  products: string[]
}

/**
 * The source bodies of one run, kept in the process executing it instead of in the workflow (which keeps every
 * step's output until the run ends). Until the plan is outlined, every body is at hand as text (the checks, the
 * taxonomy, the image copy and the planner read them all); then {@link keepForWindows} keeps only the bodies the
 * plan's windows are made from, each compressed, and {@link windowBodies} hands a window's bodies over and forgets
 * those no later window needs. So while the products are written the run holds the compressed bodies of the
 * windows still to write, and an unchanged resync (no window) holds none.
 */
export class SourceBodies {
  private fetched: FetchedBodies | null
  /** Compressed bodies by position (pages, then products), once the plan kept its windows' bodies. */
  private readonly packed = new Map<number, Buffer>()
  /** The last window that needs each kept body. */
  private readonly lastWindow = new Map<number, number>()

  /** Keeps the bodies of a fetch. */
  constructor(fetched: Pick<FetchedSource, "pages" | "products">) {
    this.fetched = { pages: fetched.pages, products: fetched.products }
  }

  /** Every body as text; throws once the plan kept only its windows' bodies. */
  all(): FetchedBodies {
    if (!this.fetched) {
      throw new Error("catalog-sync: the source bodies were already reduced to the plan's windows")
    }
    return this.fetched
  }

  /**
   * Keeps, compressed, only the bodies the windows are made from (`window.bodies`: positions among the pages, then
   * the products) and drops every other.
   */
  keepForWindows(windows: PlanWindow[]): void {
    const { pages, products } = this.all()
    windows.forEach((window, index) => {
      for (const position of window.bodies) {
        this.lastWindow.set(position, index)
        if (!this.packed.has(position)) {
          const body = position < pages.length ? pages[position] : products[position - pages.length]
          this.packed.set(position, deflateRawSync(body, { level: PACK_LEVEL }))
        }
      }
    })
    this.fetched = null
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
      return inflateRawSync(packed).toString("utf8")
    })
  }

  /** Drops every body (the run ended). */
  free(): void {
    this.fetched = null
    this.packed.clear()
    this.lastWindow.clear()
  }
}
