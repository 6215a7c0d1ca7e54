export * from './token-verifier.port';
export * from './claims';
export * from './builtin-issuer';
export * from './local-token-verifier.adapter';
export * from './auth.guard';
export * from './jwks-token-verifier.adapter';
export * from './request-principal';
