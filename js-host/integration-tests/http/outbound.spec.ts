import { startCanary, startFrontDoor } from "../helpers/canary"
import type { Canary, FrontDoor } from "../helpers/canary"
import { syncNow } from "../helpers/runs"
import { startStandIn } from "../helpers/stand-in"
import { listStoreProducts, storeProductsBySourceId } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

/**
 * Outbound requests only where they belong, and bounded answers (issue 11), through the plugin booted
 * in-process: the source is a "front door" server before the stand-in (so a test can make it redirect), and a
 * canary on 127.0.0.1 and ::1 counts every request that reaches it.
 */
let front: FrontDoor
let canary: Canary

const PAGE_MAX_BYTES = 256 * 1024

beforeAll(async () => {
  canary = await startCanary()
  front = await startFrontDoor()
})

afterAll(async () => {
  await Promise.all([front?.close(), canary?.close()])
})

pluginSuite(
  {
    // The stand-in behind the front door, its image URLs naming the front door.
    startSource: async () => {
      const standIn = await startStandIn(front.url)
      front.target = standIn.url
      return standIn
    },
    // Pages of 30: the second page (skip=30) is the one redirected below.
    options: () => ({ sourceUrl: front.url, schedule: false, pageSize: 30, pageMaxBytes: PAGE_MAX_BYTES, maxImagesPerProduct: 6 }),
  },
  (suite) => {
    const { api, auth } = suite

    beforeEach(() => {
      canary.reset()
    })

    afterEach(() => {
      front.redirect = () => null
    })

    it("follows a page redirect inside the source's origin, and fails the run on one out of it, reaching nothing", async () => {
      front.redirect = (url) => (url.includes("skip=30&") ? `${canary.url}/products` : null)
      const refused = await syncNow(api, auth)
      expect(refused.status).toBe("failed")
      expect(refused.error_message).toMatch(
        new RegExp(`^GET ${front.url}/products\\?limit=30&skip=30&.* was redirected to ${canary.url}/products, outside the source's origin ${front.url}: refused$`)
      )
      expect(canary.count()).toBe(0)
      expect(await listStoreProducts(api, auth)).toHaveLength(0)

      front.redirect = (url) => (url.includes("skip=30&") && !url.includes("moved=1") ? `${front.url}${url}&moved=1` : null)
      const followed = await syncNow(api, auth)
      expect(followed).toMatchObject({ status: "success", created: 194, retries: 0 })
      expect(followed.requests).toBe(9)
    })

    it("refuses image URLs that point at loopback, directly or through the source's redirects, and names each", async () => {
      suite.standIn.mutate({
        update: [
          {
            id: 1,
            images: [`${canary.url}/a.png`, `${front.url}/redirect/p/1.png?to=${encodeURIComponent(`${canary.url}/b.png`)}`],
          },
        ],
      })
      const run = await syncNow(api, auth)
      expect(canary.count()).toBe(0)
      expect(run.status).toBe("partial")
      const refused = run.errors.filter((error) => error.code === "IMAGE_REFUSED")
      expect(refused).toEqual([
        {
          source_id: 1,
          field: "images[0]",
          code: "IMAGE_REFUSED",
          message: "product 1: images[0]: refused: the host resolves to a loopback address; the image is left out of the product",
        },
        {
          source_id: 1,
          field: "images[1]",
          code: "IMAGE_REFUSED",
          message:
            "product 1: images[1]: refused: a redirect leads to a host that resolves to a loopback address; the image is left out of the product",
        },
      ])
      const product = (await storeProductsBySourceId(api, auth)).get(1)
      expect(product?.images ?? []).toHaveLength(0)
      expect(product?.thumbnail).toContain("/static/")
      expect(run.created).toBe(194)
    })

    it("fails the run fast on a page over pageMaxBytes, before any write", async () => {
      suite.standIn.setFaults({ padPagesBytes: 50 * 1024 * 1024 })
      const started = Date.now()
      const run = await syncNow(api, auth)
      expect(Date.now() - started).toBeLessThan(20_000)
      expect(run.status).toBe("failed")
      expect(run.error_message).toMatch(
        new RegExp(`^GET ${front.url}/products\\?limit=30&skip=0&.*: the answer is larger than pageMaxBytes \\(${PAGE_MAX_BYTES} bytes\\)`)
      )
      expect(await listStoreProducts(api, auth)).toHaveLength(0)
    })

    it("keeps at most maxImagesPerProduct images of a product and reports the others", async () => {
      const images = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${front.url}/images/products/2/${n}.png`)
      suite.standIn.mutate({ update: [{ id: 2, images }] })
      const run = await syncNow(api, auth)
      const capped = run.errors.filter((error) => error.code === "TOO_MANY_IMAGES")
      expect(capped.find((error) => error.source_id === 2)).toEqual({
        source_id: 2,
        field: "images[6]",
        code: "TOO_MANY_IMAGES",
        message: "product 2: images[6] to images[7]: 2 images beyond maxImagesPerProduct (6) are left out of the product",
      })
      const product = (await storeProductsBySourceId(api, auth)).get(2)
      expect(product?.images).toHaveLength(6)
    })
  }
)
