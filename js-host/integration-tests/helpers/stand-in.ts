import path from "node:path"

/** The DummyJSON stand-in server of tests/dummyjson (started in-process on 127.0.0.1). */
export interface StandIn {
  url: string
  state: { catalog: SourceProduct[] }
  reset(body?: Record<string, unknown>): unknown
  setFaults(body?: Record<string, unknown>): unknown
  mutate(body: Record<string, unknown>): { added: number[]; missing: number[] }
  stats(): StandInStats
  close(): Promise<void>
}

/** Request counters of the stand-in (control endpoints excluded). */
export interface StandInStats {
  requests: number
  byRoute: Record<string, number>
  /** Requests for images (part of `requests`). */
  imageRequests: number
  faultsServed: { 500: number; 429: number; truncated: number; 503: number; malformed: number }
}

/** A product as the source serves it (the fields the tests check). */
export interface SourceProduct {
  id: number
  title: string
  description: string
  category: string
  price: number
  discountPercentage: number
  rating: number
  stock: number
  tags: string[]
  brand?: string
  sku: string
  weight: number
  dimensions: { width: number; height: number; depth: number }
  warrantyInformation: string
  shippingInformation: string
  availabilityStatus: string
  returnPolicy: string
  minimumOrderQuantity: number
  meta: { barcode: string }
  images: string[]
  thumbnail: string
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startServer } = require(path.resolve(__dirname, "../../../tests/dummyjson/server.js")) as {
  startServer(options: { port: number; size: number; seed: number; publicUrl?: string }): Promise<StandIn>
}

/**
 * Starts the stand-in with the default catalog (194 products, seed 1) on a free port.
 * @param publicUrl - the origin its image URLs name instead of its own (a server in front of it)
 */
export function startStandIn(publicUrl?: string): Promise<StandIn> {
  return startServer({ port: 0, size: 194, seed: 1, publicUrl })
}
