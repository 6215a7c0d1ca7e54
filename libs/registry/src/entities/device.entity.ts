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
import type { Classification } from '@stadtdaten/contracts';
import { DeviceTypeEntity } from './device-type.entity';
import { ThingEntity } from './thing.entity';

/** A sensor installed at a thing (SensorThings Sensor); its datastreams follow its device type. */
@Entity({ name: 'device' })
export class DeviceEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 63 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ name: 'device_type_id', type: 'varchar', length: 63 })
  deviceTypeId: string;

  @ManyToOne(() => DeviceTypeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'device_type_id', referencedColumnName: 'id' },
  ])
  deviceType?: Relation<DeviceTypeEntity>;

  @Column({ name: 'thing_id', type: 'varchar', length: 128 })
  thingId: string;

  @ManyToOne(() => ThingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'thing_id', referencedColumnName: 'id' },
  ])
  thing?: Relation<ThingEntity>;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text' })
  description: string;

  /** Classification of datastreams that set none of their own. */
  @Column({ type: 'varchar', length: 16 })
  classification: Classification;

  /** Retention of datastreams that set none of their own; null keeps observations until deleted. */
  @Column({ name: 'retention_days', type: 'integer', nullable: true })
  retentionDays: number | null;

  /** Storage profile of datastreams that set none of their own; null uses the tenant's profile. */
  @Column({ name: 'storage_profile', type: 'varchar', length: 32, nullable: true })
  storageProfile: string | null;

  /** HMAC pseudonym of the owner's id under the tenant's pseudonym key; null when no owner is set. */
  @Column({ name: 'owner_pseudonym', type: 'varchar', length: 64, nullable: true })
  ownerPseudonym: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
