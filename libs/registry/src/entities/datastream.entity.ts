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
import type { Classification, ValueSchema } from '@stadtdaten/contracts';
import { DeviceEntity } from './device.entity';
import { ObservedPropertyEntity } from './observed-property.entity';
import { ThingEntity } from './thing.entity';

/** Observations of one field of one device at one thing; the id is `<deviceId>.<field>`. */
@Entity({ name: 'datastream' })
export class DatastreamEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 63 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  id: string;

  @Column({ name: 'thing_id', type: 'varchar', length: 128 })
  thingId: string;

  @ManyToOne(() => ThingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'thing_id', referencedColumnName: 'id' },
  ])
  thing?: Relation<ThingEntity>;

  @Column({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId: string;

  @ManyToOne(() => DeviceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'device_id', referencedColumnName: 'id' },
  ])
  device?: Relation<DeviceEntity>;

  @Column({ type: 'varchar', length: 64 })
  field: string;

  @Column({ name: 'observed_property_id', type: 'varchar', length: 63 })
  observedPropertyId: string;

  @ManyToOne(() => ObservedPropertyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'observed_property_id' })
  observedProperty?: Relation<ObservedPropertyEntity>;

  /** UCUM code. */
  @Column({ name: 'unit_code', type: 'varchar', length: 64 })
  unitCode: string;

  @Column({ name: 'value_schema', type: 'simple-json' })
  valueSchema: ValueSchema;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  classification: Classification;

  /** Days to keep observations; null keeps them until deleted. */
  @Column({ name: 'retention_days', type: 'integer', nullable: true })
  retentionDays: number | null;

  @Column({ name: 'storage_profile', type: 'varchar', length: 32 })
  storageProfile: string;

  @Column({ type: 'boolean', default: false })
  retired: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
