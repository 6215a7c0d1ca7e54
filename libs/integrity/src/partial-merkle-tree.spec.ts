import { IntegrityErrorCode } from './integrity.errors';
import { MerkleTree, hashLeaf } from './merkle-tree';
import { PartialMerkleTree } from './partial-merkle-tree';

const leavesOf = (count: number) =>
  Array.from({ length: count }, (_, index) => hashLeaf(Buffer.from(`leaf ${index}`)));

/** Builds a partial tree from the full tree's proofs of `leafIndexes`. */
function rebuild(tree: MerkleTree, leaves: Buffer[], leafIndexes: number[]): MerkleTree {
  const sut = new PartialMerkleTree(tree.size, tree.root);
  for (const index of leafIndexes) {
    sut.addProof(index, leaves[index], tree.inclusionPath(index));
  }

  return sut.toTree();
}

describe(PartialMerkleTree.name, () => {
  // Sizes around powers of two, where nodes without a right sibling move up.
  const cases: Array<[number, number[]]> = [
    [1, [0]],
    [2, [1]],
    [3, [2]],
    [5, [0, 4]],
    [7, [3]],
    [13, [0, 6, 12]],
    [64, [5, 63]],
    [1000, [0, 1, 500, 998, 999]],
  ];

  it.each(cases)('returns the original paths of the added leaves (size %i)', (size, leafIndexes) => {
    const leaves = leavesOf(size);
    const tree = MerkleTree.fromLeafHashes(leaves);

    const rebuilt = rebuild(tree, leaves, leafIndexes);

    expect(rebuilt.size).toBe(size);
    expect(rebuilt.root.equals(tree.root)).toBe(true);
    for (const index of leafIndexes) {
      expect({ index, path: rebuilt.inclusionPath(index).map((hash) => hash.toString('hex')) }).toEqual({
        index,
        path: tree.inclusionPath(index).map((hash) => hash.toString('hex')),
      });
    }
  });

  it('equals the full tree when every leaf is added', () => {
    const leaves = leavesOf(11);
    const tree = MerkleTree.fromLeafHashes(leaves);

    const rebuilt = rebuild(
      tree,
      leaves,
      leaves.map((_, index) => index),
    );

    expect(rebuilt.leafHashes.equals(tree.leafHashes)).toBe(true);
    expect(rebuilt.innerHashes().equals(tree.innerHashes())).toBe(true);
  });

  it('keeps only the root without proofs', () => {
    const tree = MerkleTree.fromLeafHashes(leavesOf(6));

    const rebuilt = new PartialMerkleTree(6, tree.root).toTree();

    expect(rebuilt.root.equals(tree.root)).toBe(true);
    expect(rebuilt.leafHashes.equals(Buffer.alloc(6 * 32))).toBe(true);
  });

  it('rejects a proof that leads to another root', () => {
    const leaves = leavesOf(8);
    const tree = MerkleTree.fromLeafHashes(leaves);
    const sut = new PartialMerkleTree(8, tree.root);
    sut.addProof(2, hashLeaf(Buffer.from('changed')), tree.inclusionPath(2));

    expect(() => sut.toTree()).toThrow(
      expect.objectContaining({ code: IntegrityErrorCode.INCONSISTENT_PROOFS }),
    );
  });

  it('rejects two proofs that disagree', () => {
    const leaves = leavesOf(4);
    const tree = MerkleTree.fromLeafHashes(leaves);
    const sut = new PartialMerkleTree(4, tree.root);
    sut.addProof(0, leaves[0], tree.inclusionPath(0));

    expect(() => sut.addProof(1, hashLeaf(Buffer.from('changed')), tree.inclusionPath(1))).toThrow(
      expect.objectContaining({ code: IntegrityErrorCode.INCONSISTENT_PROOFS }),
    );
  });

  it('rejects a path of the wrong length', () => {
    const leaves = leavesOf(4);
    const tree = MerkleTree.fromLeafHashes(leaves);
    const sut = new PartialMerkleTree(4, tree.root);

    expect(() => sut.addProof(0, leaves[0], tree.inclusionPath(0).slice(1))).toThrow(RangeError);
  });
});
