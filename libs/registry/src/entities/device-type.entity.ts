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
import type { ValueType } from '@stadtdaten/contracts';
import { TenantEntity } from './tenant.entity';

/** Mapping of one decoded payload field of a device type to a datastream. */
export interface DeviceTypeField {
  field: string;
  observedProperty: string;
  /** UCUM code. */
  unit: string;
  type: ValueType;
  min?: number;
  max?: number;
  /** For type jwe: key id of the owning application's public key. */
  recipientKid?: string;
  description?: string;
}

/** A device model as a template: its decoder and the fields it reports. */
@Entity({ name: 'device_type' })
export class DeviceTypeEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 63 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 63 })
  id: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'payload_format', type: 'varchar', length: 32 })
  payloadFormat: string;

  @Column({ type: 'varchar', length: 63, nullable: true })
  codec: string | null;

  /** IANA zone for local times without an offset; null rejects such times. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone: string | null;

  @Column({ type: 'simple-json' })
  fields: DeviceTypeField[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
