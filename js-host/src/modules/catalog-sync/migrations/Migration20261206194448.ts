import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261206194448 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_status_check";`);

    this.addSql(`alter table if exists "catalog_sync_run" add column if not exists "requeued_run_id" text null;`);
    // The owner was the text "host#pid#boot"; it becomes the core's RunOwner (the mode of an older process is unknown:
    // it ran every sync itself, as a shared instance does).
    this.addSql(`alter table if exists "catalog_sync_run" alter column "owner" type jsonb using (case when "owner" is null then null else jsonb_build_object('host', split_part("owner", '#', 1), 'pid', coalesce(nullif(regexp_replace(split_part("owner", '#', 2), '[^0-9]', '', 'g'), ''), '0')::bigint, 'boot', split_part("owner", '#', 3), 'mode', 'shared') end);`);
    // Interrupted runs were failed runs with a fixed message (and "; its products were queued again (run X)" once
    // their webhook ids were queued again): they get their own status, and the run that took their ids over.
    this.addSql(`update "catalog_sync_run" set "status" = 'interrupted', "requeued_run_id" = substring("error_message" from 'queued again \\(run ([^)]+)\\)') where "status" = 'failed' and "error_message" like 'interrupted: the Medusa process stopped during the sync%';`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_status_check" check("status" in ('queued', 'running', 'success', 'partial', 'failed', 'interrupted'));`);
    // At most one run may be running: an older version could leave several; all but the latest were interrupted.
    this.addSql(`update "catalog_sync_run" set "status" = 'interrupted', "finished_at" = now(), "error_message" = 'interrupted: the Medusa process stopped during the sync' where "status" = 'running' and "deleted_at" is null and "id" <> (select "id" from "catalog_sync_run" where "status" = 'running' and "deleted_at" is null order by "started_at" desc limit 1);`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_catalog_sync_run_one_running" ON "catalog_sync_run" ("status") WHERE status = 'running' AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_status_check";`);

    this.addSql(`drop index if exists "IDX_catalog_sync_run_one_running";`);
    // An older version knows interrupted runs as failed runs with its fixed message (which names the requeue run).
    this.addSql(`update "catalog_sync_run" set "status" = 'failed', "error_message" = 'interrupted: the Medusa process stopped during the sync' || coalesce('; its products were queued again (run ' || "requeued_run_id" || ')', '') where "status" = 'interrupted';`);
    this.addSql(`alter table if exists "catalog_sync_run" drop column if exists "requeued_run_id";`);

    this.addSql(`alter table if exists "catalog_sync_run" alter column "owner" type text using (case when "owner" is null then null else concat_ws('#', "owner"->>'host', "owner"->>'pid', "owner"->>'boot') end);`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_status_check" check("status" in ('queued', 'running', 'success', 'partial', 'failed'));`);
  }

}
