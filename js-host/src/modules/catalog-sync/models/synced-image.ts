import { model } from "@medusajs/framework/utils"

/**
 * An image the sync copied from the source into Medusa's file storage (option `images: "upload"`): one row
 * per source URL, with the stored file and a SHA-256 of its bytes. A URL with a row is never downloaded
 * again; a new URL whose bytes match a row's hash reuses that row's file instead of uploading it again.
 */
const SyncedImage = model
  .define(
    { name: "synced_image", tableName: "catalog_sync_image" },
    {
      id: model.id({ prefix: "csimg" }).primaryKey(),
      source_url: model.text(),
      url: model.text(),
      file_id: model.text(),
      content_hash: model.text(),
      size: model.number(),
      content_type: model.text(),
    }
  )
  .indexes([
    { on: ["source_url"], unique: true },
    { on: ["content_hash"] },
  ])

export default SyncedImage
