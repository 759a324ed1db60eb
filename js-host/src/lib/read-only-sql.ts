import type { Knex } from "@medusajs/framework/mikro-orm/knex"

/**
 * Runs one read-only statement in a read-only transaction of its own (`BEGIN TRANSACTION READ ONLY`) with
 * PostgreSQL's JIT compilation off for that transaction only (`SET LOCAL jit = off`; the server's settings are the
 * operator's and stay as they are), and returns its rows.
 *
 * Why JIT off: PostgreSQL compiles a statement whose *estimated* cost passes `jit_above_cost` (100,000 by default;
 * inlining and optimization past 500,000), and the estimate hangs on the statistics of the tables. On tables a cold
 * sync has just filled, analyzed or not yet, the same statement over the same rows was compiled in one run and not
 * in the next: the compilation of the stamps statement's expressions cost up to seconds, the execution itself a
 * fraction of that (README, "The stamps statement without JIT"). These statements read each row once; compiling them
 * never pays.
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
