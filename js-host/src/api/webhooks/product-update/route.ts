import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { checkWebhook, webhookBodyLimit } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../modules/catalog-sync/service"
import { readCappedBody } from "../../../lib/read-capped-body"
import { startQueuedRun } from "../../../lib/start-sync"
import { enqueueProductIds } from "../../../lib/sync-queue"

/**
 * `POST /webhooks/product-update` — public (no admin session): the HMAC signature authenticates it.
 *
 * The body is read raw (Medusa's body parser is off for this route, see `middlewares.ts`) and the
 * core's `checkWebhook` decides the answer: 503 when no `webhookSecret` is configured, 413 above
 * 64 KiB, 401 for a missing, malformed, wrong or stale signature, 400 for a body without product ids,
 * each as `{ code, message }`, and nothing runs. A genuine call adds its ids to the queued webhook
 * run and starts it when no sync is running: 202 `{ run_id, queued: false }`; while a sync runs, the
 * ids wait in that one queued run, started when the running sync ends: 202 `{ run_id, queued: true }`.
 * A replay of a call already accepted (same signature, inside its replay window; the core gives its replay
 * key) starts nothing: 200 `{ duplicate: true }`. The module's table of accepted keys, unique on the key,
 * decides between instances that receive the same replay at once.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const logger = req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const { body, length } = await readCappedBody(req, webhookBodyLimit())
  const verdict = checkWebhook({
    secret: service.getSyncOptions().webhookSecret,
    headers: req.headers,
    body,
    bodyLength: length,
    nowSeconds: Date.now() / 1000,
  })
  if (verdict.kind === "refused") {
    logger.info(`catalog-sync: webhook refused with ${verdict.status} ${verdict.code}: ${verdict.message}`)
    res.status(verdict.status).json({ code: verdict.code, message: verdict.message })
    return
  }
  const expiresAt = new Date(verdict.rememberUntilSeconds * 1000)
  if (!(await service.rememberWebhookDelivery(verdict.replayKey, expiresAt))) {
    logger.info(`catalog-sync: webhook replay refused: a call with the same signature was accepted already`)
    res.status(200).json({ duplicate: true })
    return
  }
  let runId: string
  try {
    runId = await enqueueProductIds(req.scope, verdict.productIds)
  } catch (error) {
    // The ids were not stored: the sender's retry of this very call must not count as a replay.
    await service.forgetWebhookDelivery(verdict.replayKey).catch(() => undefined)
    throw error
  }
  // The ids are stored: if the start fails here, the end of the running sync or the queue job starts it.
  await startQueuedRun(req.scope).catch((error: Error) =>
    logger.warn(`catalog-sync: could not start the queued webhook run ${runId} yet: ${error.message}`)
  )
  const run = await service.findRun(runId)
  const queued = run?.status === "queued"
  logger.info(
    `catalog-sync: webhook ${verdict.event} for product(s) ${verdict.productIds.join(", ")} → run ${runId}` +
      (queued ? " (queued until the running sync ends)" : "")
  )
  res.status(202).json({ run_id: runId, queued })
}
