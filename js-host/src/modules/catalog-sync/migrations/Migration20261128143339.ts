import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261128143339 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "catalog_sync_run" ("id" text not null, "trigger" text check ("trigger" in ('schedule', 'manual', 'webhook')) not null, "status" text check ("status" in ('running', 'success', 'partial', 'failed')) not null default 'running', "started_at" timestamptz not null, "finished_at" timestamptz null, "duration_ms" integer null, "fetched" integer not null default 0, "created" integer not null default 0, "updated" integer not null default 0, "unchanged" integer not null default 0, "archived" integer not null default 0, "deleted" integer not null default 0, "rejected" integer not null default 0, "failed" integer not null default 0, "requests" integer not null default 0, "retries" integer not null default 0, "phase_timings" jsonb null, "progress" jsonb null, "error_message" text null, "errors" jsonb null, "product_ids" jsonb null, "owner" text null, "heartbeat_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "catalog_sync_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_run_deleted_at" ON "catalog_sync_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_run_status" ON "catalog_sync_run" ("status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_run_started_at" ON "catalog_sync_run" ("started_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog_sync_run" cascade;`);
  }

}
