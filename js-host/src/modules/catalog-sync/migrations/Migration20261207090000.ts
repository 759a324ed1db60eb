import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261207090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "catalog_sync_change" ("id" text not null, "run_id" text not null, "position" integer not null, "source_id" integer null, "product_id" text null, "kind" text check ("kind" in ('created', 'updated', 'removed', 'kept', 'rejected', 'held')) not null, "title" text null, "diff" jsonb null, "completes" jsonb null, "errors" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "catalog_sync_change_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_change_deleted_at" ON "catalog_sync_change" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_change_run_id_kind" ON "catalog_sync_change" ("run_id", "kind") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_change_run_id_position" ON "catalog_sync_change" ("run_id", "position") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "catalog_sync_product" add column if not exists "source_fingerprint" text null, add column if not exists "source_seen_at" timestamptz null;`);

    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_trigger_check";`);
    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_status_check";`);
    this.addSql(`alter table if exists "catalog_sync_run" add column if not exists "cancel_requested_at" timestamptz null, add column if not exists "listing_fingerprint" text null, add column if not exists "plan_fingerprint" text null, add column if not exists "change_counts" jsonb null, add column if not exists "preview_applied_by" text null, add column if not exists "preview_of" text null;`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_trigger_check" check("trigger" in ('schedule', 'manual', 'webhook', 'apply_removals', 'preview', 'apply_preview'));`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_status_check" check("status" in ('queued', 'running', 'success', 'partial', 'failed', 'interrupted', 'cancelled'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog_sync_change" cascade;`);

    this.addSql(`alter table if exists "catalog_sync_product" drop column if exists "source_fingerprint", drop column if exists "source_seen_at";`);

    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_trigger_check";`);
    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_status_check";`);
    this.addSql(`alter table if exists "catalog_sync_run" drop column if exists "cancel_requested_at", drop column if exists "listing_fingerprint", drop column if exists "plan_fingerprint", drop column if exists "change_counts", drop column if exists "preview_applied_by", drop column if exists "preview_of";`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_trigger_check" check("trigger" in ('schedule', 'manual', 'webhook', 'apply_removals'));`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_status_check" check("status" in ('queued', 'running', 'success', 'partial', 'failed', 'interrupted'));`);
  }

}
