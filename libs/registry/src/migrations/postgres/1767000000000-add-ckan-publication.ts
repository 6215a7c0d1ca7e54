import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds the state of the publication to a CKAN portal, with the same tables and columns as
 * the SQLite twin (migrations/sqlite): `timestamptz` for the times and `COLLATE "C"` on the
 * id columns, so the rows sort by code point as on SQLite.
 */
export class AddCkanPublicationPostgres1767000000000 implements MigrationInterface {
  /** The same name as the SQLite migration, so both dialects record the same migration history. */
  name = 'AddCkanPublication1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "ckan_publication" (
        "dataset_id" varchar(200) COLLATE "C" NOT NULL,
        "tenant_id" varchar(63) COLLATE "C" NOT NULL,
        "package_name" varchar(100) NOT NULL,
        "package_id" varchar(100),
        "state" varchar(16) NOT NULL,
        "resources_published" integer NOT NULL,
        "resources_total" integer NOT NULL,
        "attempted_at" timestamptz,
        "published_at" timestamptz,
        "error" text,
        "failed_step" varchar(32),
        CONSTRAINT "pk_ckan_publication" PRIMARY KEY ("dataset_id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "ckan_publication_run" (
        "id" integer NOT NULL,
        "started_at" timestamptz NOT NULL,
        "finished_at" timestamptz NOT NULL,
        "published" integer NOT NULL,
        "failed" integer NOT NULL,
        "withdrawn" integer NOT NULL,
        CONSTRAINT "pk_ckan_publication_run" PRIMARY KEY ("id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ckan_publication_run"`);
    await queryRunner.query(`DROP TABLE "ckan_publication"`);
  }
}
