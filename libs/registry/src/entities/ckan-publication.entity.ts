import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The publication state of one dataset on the CKAN portal. */
@Entity({ name: 'ckan_publication' })
export class CkanPublicationEntity {
  /** `<tenant>/<thing id>`. */
  @PrimaryColumn({ name: 'dataset_id', type: 'varchar', length: 200 })
  datasetId: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 63 })
  tenantId: string;

  @Column({ name: 'package_name', type: 'varchar', length: 100 })
  packageName: string;

  /** Id that CKAN gave the package; null until a call returned it. */
  @Column({ name: 'package_id', type: 'varchar', length: 100, nullable: true })
  packageId: string | null;

  /** published, pending, failed or withdrawn. */
  @Column({ type: 'varchar', length: 16 })
  state: string;

  @Column({ name: 'resources_published', type: 'integer' })
  resourcesPublished: number;

  @Column({ name: 'resources_total', type: 'integer' })
  resourcesTotal: number;

  @Column({ name: 'attempted_at', type: Date, nullable: true })
  attemptedAt: Date | null;

  @Column({ name: 'published_at', type: Date, nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** The Action API call that failed. */
  @Column({ name: 'failed_step', type: 'varchar', length: 32, nullable: true })
  failedStep: string | null;
}
