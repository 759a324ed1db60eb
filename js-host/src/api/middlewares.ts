import { defineMiddlewares, validateAndTransformQuery } from "@medusajs/framework/http"
import { AdminListSyncRunsQuery } from "./admin/sync/validators"

/** Query validation of the plugin's admin routes (authentication is Medusa's, for all of /admin). */
export default defineMiddlewares({
  routes: [
    {
      matcher: "/admin/sync/runs",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(AdminListSyncRunsQuery, {})],
    },
  ],
})
