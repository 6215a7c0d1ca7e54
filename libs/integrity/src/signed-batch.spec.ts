import { type BatchStatement, encodeBatchStatement, parseSignatureRef, signatureRef } from './signed-batch';

const ROOT = Buffer.alloc(32, 7);
const STATEMENT: BatchStatement = {
  schemaVersion: 1,
  batchId: 'b-1',
  keyId: 'k-1',
  createdAtMs: 1_733_310_000_000,
  treeSize: 5,
  rootHash: ROOT.toString('base64url'),
};

describe('encodeBatchStatement', () => {
  it('ends with the tree size and root', () => {
    const encoded = encodeBatchStatement(STATEMENT, ROOT).toString('hex');

    expect(encoded.endsWith('0000000000000005' + ROOT.toString('hex'))).toBe(true);
  });

  it.each<[string, Partial<BatchStatement>]>([
    ['batch id', { batchId: 'b-2' }],
    ['key id', { keyId: 'k-2' }],
    ['creation time', { createdAtMs: 1_733_310_000_001 }],
    ['tree size', { treeSize: 6 }],
    ['schema version', { schemaVersion: 2 }],
  ])('changes with the %s', (_, overrides) => {
    expect(encodeBatchStatement({ ...STATEMENT, ...overrides }, ROOT)).not.toEqual(
      encodeBatchStatement(STATEMENT, ROOT),
    );
  });
});

describe('signatureRef', () => {
  it('joins batch id and leaf index', () => {
    expect(signatureRef({ batchId: '4f1c-aa', leafIndex: 12 })).toBe('4f1c-aa:12');
  });

  it('parses what it formats', () => {
    expect(parseSignatureRef(signatureRef({ batchId: 'b_1', leafIndex: 0 }))).toEqual({
      batchId: 'b_1',
      leafIndex: 0,
    });
  });

  it.each(['', 'b-1', 'b-1:', ':3', 'b-1:01', 'b-1:-1', 'b:1:2', 'b 1:2', 'b-1:99999999999999999'])(
    'rejects %p',
    (ref) => {
      expect(() => parseSignatureRef(ref)).toThrow(`invalid signature reference "${ref}"`);
    },
  );
});
