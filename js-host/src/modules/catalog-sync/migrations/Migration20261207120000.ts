import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261207120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "catalog_sync_batch" ("id" text not null, "run_id" text not null, "position" integer not null, "batch" text null, "published_at" timestamptz not null, "claimer" jsonb null, "claim_heartbeat_at" timestamptz null, "result" jsonb null, "writer" jsonb null, "recorded_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "catalog_sync_batch_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_batch_deleted_at" ON "catalog_sync_batch" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_catalog_sync_batch_run_position" ON "catalog_sync_batch" ("run_id", "position") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog_sync_batch" cascade;`);
  }

}
