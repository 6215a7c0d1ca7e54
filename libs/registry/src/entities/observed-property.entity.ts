import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The phenomenon a datastream observes (SensorThings ObservedProperty); shared by all tenants. */
@Entity({ name: 'observed_property' })
export class ObservedPropertyEntity {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** URI of the definition of the phenomenon. */
  @Column({ type: 'varchar', length: 500 })
  definition: string;

  @Column({ type: 'text' })
  description: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
