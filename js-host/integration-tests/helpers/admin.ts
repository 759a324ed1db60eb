import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createUserAccountWorkflow } from "@medusajs/medusa/core-flows"

const EMAIL = "admin@catalog-sync.test"
const PASSWORD = "catalog-sync-password"

/** The axios instance `medusaIntegrationTestRunner` gives the suite. */
export interface Api {
  get<T = unknown>(url: string, config?: object): Promise<{ status: number; data: T }>
  post<T = unknown>(url: string, body?: object, config?: object): Promise<{ status: number; data: T }>
}

/**
 * Creates an admin user the way Medusa does (emailpass identity + user account) and logs in
 * through `POST /auth/user/emailpass`.
 * @returns request options carrying the admin's bearer token
 */
export async function loginAsAdmin(container: MedusaContainer, api: Api): Promise<{ headers: Record<string, string> }> {
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", {
    body: { email: EMAIL, password: PASSWORD },
  })
  if (error || !authIdentity) {
    throw new Error(`could not register the test admin: ${error}`)
  }
  await createUserAccountWorkflow(container).run({
    input: { authIdentityId: authIdentity.id, userData: { email: EMAIL } },
  })
  const { data } = await api.post<{ token: string }>("/auth/user/emailpass", { email: EMAIL, password: PASSWORD })
  return { headers: { authorization: `Bearer ${data.token}` } }
}
