import { Module } from '@nestjs/common';
import { StorageConsumer } from './storage.consumer';
import { StorageService } from './storage.service';
import { RetentionLookup } from './retention-lookup';
import { RetentionEnforcer } from './retention.enforcer';
import { SignatureRecorder } from './signature.recorder';

/** Stores observations and rejections from the event log; needs RuntimeModule. */
@Module({
  providers: [StorageService, StorageConsumer, RetentionLookup, RetentionEnforcer, SignatureRecorder],
  exports: [StorageService, StorageConsumer, RetentionEnforcer],
})
export class StorageModule {}
