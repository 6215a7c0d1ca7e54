import { Module } from '@nestjs/common';
import { ObservationSigner } from './observation.signer';
import { PersonalDataProtector } from './personal-data.protector';
import { ValidationConsumer } from './validation.consumer';
import { ValidationService } from './validation.service';
import { ValidatorSettings } from './validator-settings';

/** Decoding, registry lookup and validation of raw messages; needs RuntimeModule. */
@Module({})
export class ValidationModule {
  static register(settings: ValidatorSettings) {
    return {
      module: ValidationModule,
      providers: [{ provide: ValidatorSettings, useValue: settings }, ValidationService, ObservationSigner, PersonalDataProtector, ValidationConsumer],
      exports: [ValidationService, ValidationConsumer],
    };
  }
}
