import { defineMiddlewares, validateAndTransformQuery } from "@medusajs/framework/http"
import { AdminListSyncChangesQuery, AdminListSyncRunsQuery, AdminSyncAnalyticsQuery } from "./admin/sync/validators"

/**
 * Query validation of the plugin's admin routes (authentication is Medusa's, for all of /admin), and
 * the webhook route's body parser, switched off: the route reads the raw body itself, so that the
 * signature is checked over the bytes as sent, a malformed body is refused only after the signature
 * (401 before 400), and every body above the 64 KiB limit — however large — gets the core's 413
 * instead of Medusa's parser answering first.
 */
export default defineMiddlewares({
  routes: [
    {
      matcher: "/webhooks/product-update",
      methods: ["POST"],
      bodyParser: false,
    },
    {
      matcher: "/admin/sync/runs",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(AdminListSyncRunsQuery, {})],
    },
    {
      matcher: "/admin/sync/analytics",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(AdminSyncAnalyticsQuery, {})],
    },
    {
      matcher: "/admin/sync/runs/:id/changes",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(AdminListSyncChangesQuery, {})],
    },
  ],
})
