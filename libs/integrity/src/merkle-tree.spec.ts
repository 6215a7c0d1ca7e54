import { createHash } from 'node:crypto';
import {
  MerkleTree,
  hashChildren,
  hashLeaf,
  inclusionPathLength,
  rootFromInclusionPath,
} from './merkle-tree';

// Reference of RFC 9162 section 2.1.1 and 2.1.3.1, written as the recursive definitions read.
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) {
    k *= 2;
  }

  return k;
}

function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) {
    return leaves[0];
  }
  const k = largestPowerOfTwoBelow(leaves.length);

  return hashChildren(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function referencePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) {
    return [];
  }
  const k = largestPowerOfTwoBelow(leaves.length);
  if (m < k) {
    return [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))];
  }

  return [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

function makeLeaves(count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => hashLeaf(Buffer.from(`leaf ${index}`)));
}

function sha256(...parts: Buffer[]): Buffer {
  return createHash('sha256').update(Buffer.concat(parts)).digest();
}

describe('hashLeaf and hashChildren', () => {
  it('prefix leaves with 0x00 and nodes with 0x01', () => {
    const data = Buffer.from('reading');
    const left = hashLeaf(Buffer.from('a'));
    const right = hashLeaf(Buffer.from('b'));

    expect(hashLeaf(data)).toEqual(sha256(Buffer.from([0]), data));
    expect(hashChildren(left, right)).toEqual(sha256(Buffer.from([1]), left, right));
  });

  it('hash inputs of any length', () => {
    const left = Buffer.from('short');
    const right = Buffer.alloc(40, 7);

    expect(hashChildren(left, right)).toEqual(sha256(Buffer.from([1]), left, right));
  });

  it('keep a two-leaf root from passing as a leaf', () => {
    const left = hashLeaf(Buffer.from('a'));
    const right = hashLeaf(Buffer.from('b'));

    expect(hashLeaf(Buffer.concat([left, right]))).not.toEqual(hashChildren(left, right));
  });
});

describe(MerkleTree.name, () => {
  it('matches the RFC 9162 root for 1 to 70 leaves', () => {
    for (let size = 1; size <= 70; size += 1) {
      const leaves = makeLeaves(size);

      expect({ size, root: MerkleTree.fromLeafHashes(leaves).root }).toEqual({
        size,
        root: referenceRoot(leaves),
      });
    }
  });

  it('matches the RFC 9162 paths for 1 to 40 leaves', () => {
    for (let size = 1; size <= 40; size += 1) {
      const leaves = makeLeaves(size);
      const sut = MerkleTree.fromLeafHashes(leaves);
      for (let index = 0; index < size; index += 1) {
        expect({ size, index, path: sut.inclusionPath(index) }).toEqual({
          size,
          index,
          path: referencePath(index, leaves),
        });
      }
    }
  });

  it('returns the leaf as root of one leaf', () => {
    const [leaf] = makeLeaves(1);

    expect(MerkleTree.fromLeafHashes([leaf]).root).toEqual(leaf);
  });

  it('rejects an empty list', () => {
    expect(() => MerkleTree.fromLeafHashes([])).toThrow('at least one leaf');
  });

  it('rejects a leaf index outside the tree', () => {
    expect(() => MerkleTree.fromLeafHashes(makeLeaves(3)).inclusionPath(3)).toThrow(
      'leaf index 3 is outside the tree of 3 leaves',
    );
  });

  it('differs from the tree with the odd leaf doubled', () => {
    // An odd leaf moves up unchanged, so duplicating it must not give the same root.
    const leaves = makeLeaves(3);

    expect(MerkleTree.fromLeafHashes(leaves).root).not.toEqual(
      MerkleTree.fromLeafHashes([...leaves, leaves[2]]).root,
    );
  });

  it('rejects a leaf hash of another length', () => {
    expect(() => MerkleTree.fromLeafHashes([...makeLeaves(2), Buffer.alloc(31)])).toThrow(
      'leaf hash 2 has 31 bytes, expected 32',
    );
  });

  it('builds the same tree from concatenated leaf hashes', () => {
    const leaves = makeLeaves(13);

    expect(MerkleTree.fromConcatenatedLeafHashes(Buffer.concat(leaves))).toEqual(MerkleTree.fromLeafHashes(leaves));
  });

  it('rejects concatenated leaf hashes of a partial length', () => {
    expect(() => MerkleTree.fromConcatenatedLeafHashes(Buffer.alloc(70))).toThrow(
      'leaf hashes must be a non-empty multiple of 32 bytes, got 70',
    );
  });
});

describe('MerkleTree.fromStoredHashes', () => {
  it('reads back root and paths for 1 to 40 leaves', () => {
    for (let size = 1; size <= 40; size += 1) {
      const built = MerkleTree.fromLeafHashes(makeLeaves(size));
      const sut = MerkleTree.fromStoredHashes(Buffer.from(built.leafHashes), built.innerHashes());

      expect({ size, root: sut.root }).toEqual({ size, root: built.root });
      for (let index = 0; index < size; index += 1) {
        expect({ size, index, path: sut.inclusionPath(index) }).toEqual({ size, index, path: built.inclusionPath(index) });
      }
    }
  });

  it('stores about one hash per leaf above the leaves', () => {
    // Levels of 1,000 leaves: 500 + 250 + 125 + 63 + 32 + 16 + 8 + 4 + 2 + 1 nodes.
    expect(MerkleTree.fromLeafHashes(makeLeaves(1000)).innerHashes().byteLength).toBe(1001 * 32);
    expect(MerkleTree.fromLeafHashes(makeLeaves(1)).innerHashes().byteLength).toBe(0);
  });

  it('rejects inner hashes of another tree size', () => {
    const built = MerkleTree.fromLeafHashes(makeLeaves(5));
    const inner = built.innerHashes();

    expect(() => MerkleTree.fromStoredHashes(built.leafHashes, inner.subarray(32))).toThrow(
      'inner hashes have 160 bytes, too few for a tree of 5 leaves',
    );
    expect(() => MerkleTree.fromStoredHashes(built.leafHashes, Buffer.concat([inner, Buffer.alloc(32)]))).toThrow(
      'inner hashes have 224 bytes, expected 192 for a tree of 5 leaves',
    );
  });
});

describe('rootFromInclusionPath', () => {
  it('reaches the root from every leaf of 1 to 40 leaves', () => {
    for (let size = 1; size <= 40; size += 1) {
      const leaves = makeLeaves(size);
      const tree = MerkleTree.fromLeafHashes(leaves);
      for (let index = 0; index < size; index += 1) {
        const root = rootFromInclusionPath(leaves[index], index, size, tree.inclusionPath(index));

        expect({ size, index, root }).toEqual({ size, index, root: tree.root });
      }
    }
  });

  it('misses the root for another leaf', () => {
    const leaves = makeLeaves(7);
    const tree = MerkleTree.fromLeafHashes(leaves);

    expect(rootFromInclusionPath(leaves[4], 3, 7, tree.inclusionPath(3))).not.toEqual(tree.root);
  });

  it('returns undefined for a path one hash short', () => {
    const leaves = makeLeaves(7);
    const path = MerkleTree.fromLeafHashes(leaves).inclusionPath(3);

    expect(rootFromInclusionPath(leaves[3], 3, 7, path.slice(1))).toBeUndefined();
  });

  it('returns undefined for a path one hash long', () => {
    const leaves = makeLeaves(7);
    const path = MerkleTree.fromLeafHashes(leaves).inclusionPath(3);

    expect(rootFromInclusionPath(leaves[3], 3, 7, [...path, leaves[0]])).toBeUndefined();
  });

  it.each([
    [7, 7],
    [-1, 7],
    [0.5, 7],
    [0, 0],
  ])('returns undefined for leaf %p of %p', (leafIndex, treeSize) => {
    expect(rootFromInclusionPath(makeLeaves(1)[0], leafIndex, treeSize, [])).toBeUndefined();
  });
});

describe('inclusionPathLength', () => {
  it('equals the path length for 1 to 40 leaves', () => {
    for (let size = 1; size <= 40; size += 1) {
      const tree = MerkleTree.fromLeafHashes(makeLeaves(size));
      for (let index = 0; index < size; index += 1) {
        expect({ size, index, length: inclusionPathLength(index, size) }).toEqual({
          size,
          index,
          length: tree.inclusionPath(index).length,
        });
      }
    }
  });
});
