import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261206203843 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "catalog_sync_product" ("id" text not null, "source" text not null, "source_id" text not null, "state" text check ("state" in ('creating', 'complete')) not null, "product_id" text null, "variant_id" text null, "inventory_item_id" text null, "fingerprint" text null, "images_fingerprint" text null, "image_ids" jsonb null, "product_updated_at" timestamptz null, "variant_updated_at" timestamptz null, "run_id" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "catalog_sync_product_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_product_deleted_at" ON "catalog_sync_product" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_catalog_sync_product_source_key" ON "catalog_sync_product" ("source", "source_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_catalog_sync_product_product_id" ON "catalog_sync_product" ("product_id") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "catalog_sync_run" add column if not exists "completed" integer not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog_sync_product" cascade;`);

    this.addSql(`alter table if exists "catalog_sync_run" drop column if exists "completed";`);
  }

}
