import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds the state of the publication to a CKAN portal: one row per dataset that the
 * publisher planned, published or withdrew, and one row for the last run. Rows carry no
 * foreign key, because a withdrawn dataset's row stays after its thing left the catalog.
 * Twin: migrations/postgres.
 */
export class AddCkanPublication1767000000000 implements MigrationInterface {
  name = 'AddCkanPublication1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "ckan_publication" (
        "dataset_id" varchar(200) NOT NULL,
        "tenant_id" varchar(63) NOT NULL,
        "package_name" varchar(100) NOT NULL,
        "package_id" varchar(100),
        "state" varchar(16) NOT NULL,
        "resources_published" integer NOT NULL,
        "resources_total" integer NOT NULL,
        "attempted_at" datetime,
        "published_at" datetime,
        "error" text,
        "failed_step" varchar(32),
        CONSTRAINT "pk_ckan_publication" PRIMARY KEY ("dataset_id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "ckan_publication_run" (
        "id" integer NOT NULL,
        "started_at" datetime NOT NULL,
        "finished_at" datetime NOT NULL,
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
