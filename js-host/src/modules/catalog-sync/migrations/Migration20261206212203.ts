import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261206212203 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "catalog_sync_webhook_delivery" drop constraint if exists "catalog_sync_webhook_delivery_replay_key_unique";`);
    this.addSql(`create table if not exists "catalog_sync_webhook_delivery" ("id" text not null, "replay_key" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "catalog_sync_webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_webhook_delivery_deleted_at" ON "catalog_sync_webhook_delivery" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_catalog_sync_webhook_delivery_replay_key_unique" ON "catalog_sync_webhook_delivery" ("replay_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_webhook_delivery_expires_at" ON "catalog_sync_webhook_delivery" ("expires_at") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_trigger_check";`);

    this.addSql(`alter table if exists "catalog_sync_run" add column if not exists "held_removals" jsonb null, add column if not exists "removals_applied_by" text null, add column if not exists "removals_of" text null;`);
    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_trigger_check" check("trigger" in ('schedule', 'manual', 'webhook', 'apply_removals'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog_sync_webhook_delivery" cascade;`);

    this.addSql(`alter table if exists "catalog_sync_run" drop constraint if exists "catalog_sync_run_trigger_check";`);

    this.addSql(`alter table if exists "catalog_sync_run" drop column if exists "held_removals", drop column if exists "removals_applied_by", drop column if exists "removals_of";`);

    this.addSql(`alter table if exists "catalog_sync_run" add constraint "catalog_sync_run_trigger_check" check("trigger" in ('schedule', 'manual', 'webhook'));`);
  }

}
