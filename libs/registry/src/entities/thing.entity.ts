import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import type { GeoJsonGeometry } from '@stadtdaten/contracts';
import { TenantEntity } from './tenant.entity';

/** A real-world object that datastreams describe: a parking garage, a container, a station. */
@Entity({ name: 'thing' })
export class ThingEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 63 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'use_case', type: 'varchar', length: 32 })
  useCase: string;

  /** GeoJSON geometry in WGS 84, stored as JSON text. */
  @Column({ type: 'simple-json' })
  location: GeoJsonGeometry;

  @Column({ type: 'simple-json' })
  properties: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
