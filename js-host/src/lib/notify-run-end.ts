import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { INotificationModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { runNotification } from "catalog-sync-core"
import type { RunEnd, RunReport } from "catalog-sync-core"
import type { SyncRunRecord } from "../modules/catalog-sync/types"

/**
 * Sends the admin notification of a run that just ended, when the core's `runNotification` says it gets one (a
 * scheduled or webhook run that ended `failed` or `partial`): one entry in the admin's notification drawer through
 * the Notification module (`to: ""`, channel `feed`, template `admin-ui`, as Medusa's product import does), with
 * an idempotency key per run. A notification that cannot be sent is logged; it never changes the run.
 */
export async function notifyRunEnd(
  container: MedusaContainer,
  run: SyncRunRecord,
  end: RunEnd,
  report: RunReport | null
): Promise<void> {
  const notification = runNotification({
    runId: run.id,
    trigger: run.trigger,
    status: end.transition.to,
    errorMessage: end.errorMessage,
    errors: report?.errors ?? [],
  })
  if (!notification) {
    return
  }
  try {
    const notifications = container.resolve<INotificationModuleService>(Modules.NOTIFICATION)
    await notifications.createNotifications({
      to: "",
      channel: "feed",
      template: "admin-ui",
      data: { title: notification.title, description: notification.description, path: notification.path },
      idempotency_key: notification.idempotencyKey,
    })
  } catch (error) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .warn(`catalog-sync: could not send the notification of run ${run.id}: ${(error as Error).message}`)
  }
}
