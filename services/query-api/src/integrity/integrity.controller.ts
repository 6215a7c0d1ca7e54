import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, OptionalAuth, Roles } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { SignatureStore, SigningKeyStore } from '@stadtdaten/integrity';
import { AuditTrail } from '@stadtdaten/runtime';
import { VisibilityService } from '../things/visibility.service';

/** Public keys and inclusion proofs, so that anyone can check a value against its signature. */
@Controller('api/v1')
@OptionalAuth()
export class IntegrityController {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly signatures: SignatureStore,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditTrail,
  ) {}

  /** Every public key that signed batches (JWKS, RFC 7517), rotated-out keys included. */
  @Get('jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  @Header('cache-control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }

  /**
   * The signed fields of an observation, its inclusion proof and the signed batch. A caller
   * who may not read the observation's datastream gets 404, as for the observation itself.
   */
  @Get('observations/:id/proof')
  async proof(@CurrentPrincipal() principal: Principal | undefined, @Param('id') id: string) {
    const notFound = () =>
      new AppError(ErrorCode.NOT_FOUND, `no signature for observation "${id}"; it is unknown, not yet stored, or not visible to you`);
    const proof = await this.signatures.proof(id);
    if (proof === undefined) {
      throw notFound();
    }
    const { tenant, datastreamId } = proof.observation;
    await this.visibility.readableDatastream(principal, tenant, datastreamId).catch(() => {
      throw notFound();
    });

    return { ...proof, jwksUri: '/api/v1/jwks.json' };
  }

  /** Makes a new signing key active; the earlier keys stay in the JWKS, so older proofs still verify. */
  @Post('signing-keys/rotations')
  @Roles('platform-admin')
  @HttpCode(201)
  async rotate(@CurrentPrincipal() principal: Principal) {
    const key = await this.keys.rotate();
    await this.audit.record(principal, 'KEY_ROTATED', { tenant: null, resourceType: 'signing-key', resourceId: key.keyId }, 'success');

    return { activeKeyId: key.keyId, jwks: await this.keys.jwks() };
  }
}
