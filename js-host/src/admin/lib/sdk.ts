import Medusa from "@medusajs/js-sdk"

/**
 * The Medusa JS SDK as the admin customizations use it: same origin as the admin (or the backend URL
 * the admin was built with), authenticated by the admin's session cookie.
 */
export const sdk = new Medusa({
  baseUrl: typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__ : "/",
  auth: { type: "session" },
})
