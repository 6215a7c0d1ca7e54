import { Module } from '@nestjs/common';
import { StorageConsumer } from './storage.consumer';
import { StorageService } from './storage.service';
import { RetentionLookup } from './retention-lookup';

/** Stores observations and rejections from the event log; needs RuntimeModule. */
@Module({
  providers: [StorageService, StorageConsumer, RetentionLookup],
  exports: [StorageService, StorageConsumer],
})
export class StorageModule {}
