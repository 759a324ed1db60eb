import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201080030 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_status_check";`);

    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_status_check" check("status" in ('queued', 'running', 'success', 'partial', 'failed'));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_catalog_sync_run_one_queued" ON "catalog_sync_run" ("status") WHERE status = 'queued' AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_status_check";`);

    // The old status set has no "queued": a run still waiting is recorded as failed rather than lost silently.
    this.addSql(`update "catalog_sync_run" set "status" = 'failed', "finished_at" = now(), "error_message" = 'queued run dropped: the migration adding queued runs was reverted' where "status" = 'queued';`);

    this.addSql(`drop index if exists "IDX_catalog_sync_run_one_queued";`);

    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_status_check" check("status" in ('running', 'success', 'partial', 'failed'));`);
  }

}
