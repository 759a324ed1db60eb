import type { Knex } from "@medusajs/framework/mikro-orm/knex"

/**
 * Runs one read-only statement in a read-only transaction of its own (`BEGIN TRANSACTION READ ONLY`) with
 * PostgreSQL's JIT compilation off for that transaction only (`SET LOCAL jit = off`; the server's settings are the
 * operator's and stay as they are), and returns its rows.
 *
 * Why JIT off: PostgreSQL compiles a statement whose *estimated* cost passes `jit_above_cost` (100,000 by default;
 * with inlining and optimization past 500,000), and the estimate grows with the catalog and hangs on the tables'
 * statistics. The stamps statement over 10,000 analyzed products is estimated at about 500,000: compiled with
 * inlining and optimization, it took 1.0–1.5 s, 0.7–1.0 s of it compiling, against 0.3–0.5 s without JIT (README,
 * "The stamps statement on tables not analyzed yet"). These statements read each row once; compiling them does not
 * pay.
 *
 * @param knex - the PostgreSQL connection (Medusa's `PG_CONNECTION`, or a module's)
 * @param sql - one statement, with `?` placeholders
 * @param bindings - the placeholders' values
 */
export async function readOnlyRows<Row>(knex: Knex, sql: string, bindings: readonly Knex.Value[] = []): Promise<Row[]> {
  return knex.transaction(
    async (trx) => {
      await trx.raw("SET LOCAL jit = off")
      const { rows } = await trx.raw(sql, bindings)
      return rows as Row[]
    },
    { readOnly: true }
  )
}
