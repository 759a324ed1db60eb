import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201081037 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "catalog_sync_image" drop constraint if exists "catalog_sync_image_source_url_unique";`);
    this.addSql(`create table if not exists "catalog_sync_image" ("id" text not null, "source_url" text not null, "url" text not null, "file_id" text not null, "content_hash" text not null, "size" integer not null, "content_type" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "catalog_sync_image_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_image_deleted_at" ON "catalog_sync_image" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_catalog_sync_image_source_url_unique" ON "catalog_sync_image" ("source_url") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_image_content_hash" ON "catalog_sync_image" ("content_hash") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "catalog_sync_run" add column if not exists "kept" integer not null default 0, add column if not exists "stock_levels" integer not null default 0, add column if not exists "images_uploaded" integer not null default 0, add column if not exists "images_reused" integer not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog_sync_image" cascade;`);

    this.addSql(`alter table if exists "catalog_sync_run" drop column if exists "kept", drop column if exists "stock_levels", drop column if exists "images_uploaded", drop column if exists "images_reused";`);
  }

}
