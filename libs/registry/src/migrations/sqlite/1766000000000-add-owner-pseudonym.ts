import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds the device owner's pseudonym; the clear owner id is never stored. Twin: migrations/postgres. */
export class AddOwnerPseudonym1766000000000 implements MigrationInterface {
  name = 'AddOwnerPseudonym1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "device" ADD COLUMN "owner_pseudonym" varchar(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "device" DROP COLUMN "owner_pseudonym"`);
  }
}
