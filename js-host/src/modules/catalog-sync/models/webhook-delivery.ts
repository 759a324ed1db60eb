import { model } from "@medusajs/framework/utils"

/**
 * A webhook call the route accepted, remembered by its replay key (the core's `checkWebhook`: the call's
 * normalized signature) until `expires_at`, after which the core refuses the call as stale anyway. The unique
 * index on the key decides between two instances that receive the same replay at once: the insert that fails
 * is the duplicate. Expired rows are deleted as calls arrive.
 */
const WebhookDelivery = model
  .define(
    { name: "webhook_delivery", tableName: "catalog_sync_webhook_delivery" },
    {
      id: model.id({ prefix: "cswh" }).primaryKey(),
      replay_key: model.text(),
      expires_at: model.dateTime(),
    }
  )
  .indexes([{ on: ["replay_key"], unique: true }, { on: ["expires_at"] }])

export default WebhookDelivery
