import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last publication run to the CKAN portal; the table has one row, with id 1. */
@Entity({ name: 'ckan_publication_run' })
export class CkanPublicationRunEntity {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'started_at', type: Date })
  startedAt: Date;

  @Column({ name: 'finished_at', type: Date })
  finishedAt: Date;

  @Column({ type: 'integer' })
  published: number;

  @Column({ type: 'integer' })
  failed: number;

  @Column({ type: 'integer' })
  withdrawn: number;
}
