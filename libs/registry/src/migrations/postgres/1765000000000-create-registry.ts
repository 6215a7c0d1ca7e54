import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates the registry tables on PostgreSQL: the twin of the SQLite migration of the same
 * name, with the same tables, columns and constraints. The differences are
 * `timestamptz DEFAULT now()` for the datetime columns, `DEFAULT false` for `retired`, and
 * `COLLATE "C"` on every id column, so `ORDER BY id` sorts by code point as SQLite does
 * (a locale collation would ignore `-` and `.`). JSON columns stay text (TypeORM simple-json).
 * Table names are unqualified: openRegistry sets the search_path to the registry's schema.
 */
export class CreateRegistryPostgres1765000000000 implements MigrationInterface {
  /** The same name as the SQLite migration, so both dialects record the same migration history. */
  name = 'CreateRegistry1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "tenant" (
        "id" varchar(63) COLLATE "C" NOT NULL,
        "name" varchar(200) NOT NULL,
        "storage_profile" varchar(32) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_tenant" PRIMARY KEY ("id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "observed_property" (
        "id" varchar(63) COLLATE "C" NOT NULL,
        "name" varchar(200) NOT NULL,
        "definition" varchar(500) NOT NULL,
        "description" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_observed_property" PRIMARY KEY ("id")
      )`);

    await queryRunner.query(`
      CREATE TABLE "device_type" (
        "tenant_id" varchar(63) COLLATE "C" NOT NULL,
        "id" varchar(63) COLLATE "C" NOT NULL,
        "name" varchar(200) NOT NULL,
        "payload_format" varchar(32) NOT NULL,
        "codec" varchar(63),
        "time_zone" varchar(64),
        "fields" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_device_type" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "fk_device_type_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant" ("id") ON DELETE RESTRICT
      )`);

    await queryRunner.query(`
      CREATE TABLE "thing" (
        "tenant_id" varchar(63) COLLATE "C" NOT NULL,
        "id" varchar(128) COLLATE "C" NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text NOT NULL,
        "use_case" varchar(32) NOT NULL,
        "location" text NOT NULL,
        "properties" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_thing" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "fk_thing_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant" ("id") ON DELETE RESTRICT
      )`);

    await queryRunner.query(`
      CREATE TABLE "device" (
        "tenant_id" varchar(63) COLLATE "C" NOT NULL,
        "id" varchar(128) COLLATE "C" NOT NULL,
        "device_type_id" varchar(63) COLLATE "C" NOT NULL,
        "thing_id" varchar(128) COLLATE "C" NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text NOT NULL,
        "classification" varchar(16) NOT NULL,
        "retention_days" integer,
        "storage_profile" varchar(32),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_device" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "ck_device_classification" CHECK ("classification" IN ('public', 'internal', 'personal')),
        CONSTRAINT "ck_device_retention_days" CHECK ("retention_days" IS NULL OR "retention_days" > 0),
        CONSTRAINT "fk_device_device_type" FOREIGN KEY ("tenant_id", "device_type_id")
          REFERENCES "device_type" ("tenant_id", "id") ON DELETE RESTRICT,
        CONSTRAINT "fk_device_thing" FOREIGN KEY ("tenant_id", "thing_id")
          REFERENCES "thing" ("tenant_id", "id") ON DELETE RESTRICT
      )`);

    await queryRunner.query(`CREATE INDEX "ix_device_thing" ON "device" ("tenant_id", "thing_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_device_device_type" ON "device" ("tenant_id", "device_type_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "datastream" (
        "tenant_id" varchar(63) COLLATE "C" NOT NULL,
        "id" varchar(200) COLLATE "C" NOT NULL,
        "thing_id" varchar(128) COLLATE "C" NOT NULL,
        "device_id" varchar(128) COLLATE "C" NOT NULL,
        "field" varchar(64) COLLATE "C" NOT NULL,
        "observed_property_id" varchar(63) COLLATE "C" NOT NULL,
        "unit_code" varchar(64) NOT NULL,
        "value_schema" text NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text NOT NULL,
        "classification" varchar(16) NOT NULL,
        "retention_days" integer,
        "storage_profile" varchar(32) NOT NULL,
        "retired" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_datastream" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "uq_datastream_device_field" UNIQUE ("tenant_id", "device_id", "field"),
        CONSTRAINT "ck_datastream_classification" CHECK ("classification" IN ('public', 'internal', 'personal')),
        CONSTRAINT "ck_datastream_retention_days" CHECK ("retention_days" IS NULL OR "retention_days" > 0),
        CONSTRAINT "fk_datastream_thing" FOREIGN KEY ("tenant_id", "thing_id")
          REFERENCES "thing" ("tenant_id", "id") ON DELETE RESTRICT,
        CONSTRAINT "fk_datastream_device" FOREIGN KEY ("tenant_id", "device_id")
          REFERENCES "device" ("tenant_id", "id") ON DELETE RESTRICT,
        CONSTRAINT "fk_datastream_observed_property" FOREIGN KEY ("observed_property_id")
          REFERENCES "observed_property" ("id") ON DELETE RESTRICT
      )`);

    await queryRunner.query(`CREATE INDEX "ix_datastream_thing" ON "datastream" ("tenant_id", "thing_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "datastream"`);
    await queryRunner.query(`DROP TABLE "device"`);
    await queryRunner.query(`DROP TABLE "thing"`);
    await queryRunner.query(`DROP TABLE "device_type"`);
    await queryRunner.query(`DROP TABLE "observed_property"`);
    await queryRunner.query(`DROP TABLE "tenant"`);
  }
}
