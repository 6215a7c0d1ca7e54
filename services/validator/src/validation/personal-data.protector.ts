import { Injectable } from '@nestjs/common';
import { type Observation, fromResultCase } from '@stadtdaten/contracts';
import { EnvelopeCipher, observationContext } from '@stadtdaten/keys';

/**
 * Encrypts the result of every observation of a personal datastream with AES-256-GCM under
 * the tenant's personal-data key, before it leaves the validator. The personal topic, the
 * personal store, backups and signatures therefore only ever see the ciphertext; the
 * query API decrypts for callers with the personal-data-reader role.
 */
@Injectable()
export class PersonalDataProtector {
  constructor(private readonly cipher: EnvelopeCipher) {}

  async protect(observation: Observation): Promise<void> {
    if (observation.classification !== 'personal') {
      return;
    }
    const plain = JSON.stringify(fromResultCase(observation.result));
    const envelope = await this.cipher.encrypt(
      observation.tenant,
      plain,
      observationContext(observation.datastreamId, observation.phenomenonTimeMs),
    );
    observation.result = { case: 'text', value: envelope };
  }
}
