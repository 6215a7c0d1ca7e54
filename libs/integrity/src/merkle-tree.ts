import { createHash } from 'node:crypto';

/** Bytes of a SHA-256 digest, the size of every node hash. */
export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** Hashes a leaf as RFC 9162 section 2.1.1 does: SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** Hashes an inner node as RFC 9162 section 2.1.1 does: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * A Merkle tree over a batch of leaf hashes, shaped as RFC 9162 section 2.1.1 defines it. The
 * left subtree of n leaves contains the largest power of two below n. The tree is built level
 * by level, and a node without a right sibling moves up unchanged, which yields that same
 * shape. No node is duplicated, so a batch and the batch with its last leaf doubled differ.
 */
export class MerkleTree {
  private constructor(private readonly levels: Buffer[][]) {}

  /** Builds the tree. Throws a RangeError for an empty list, because an empty batch has nothing to sign. */
  static fromLeafHashes(leafHashes: readonly Buffer[]): MerkleTree {
    if (leafHashes.length === 0) {
      throw new RangeError('a Merkle tree needs at least one leaf');
    }
    const levels: Buffer[][] = [[...leafHashes]];
    let level = levels[0];
    while (level.length > 1) {
      const parents: Buffer[] = [];
      for (let i = 0; i < level.length; i += 2) {
        parents.push(i + 1 < level.length ? hashChildren(level[i], level[i + 1]) : level[i]);
      }
      levels.push(parents);
      level = parents;
    }

    return new MerkleTree(levels);
  }

  get size(): number {
    return this.levels[0].length;
  }

  get root(): Buffer {
    return this.levels[this.levels.length - 1][0];
  }

  /** Returns the sibling hashes from the leaf up to the root, in the order RFC 9162 section 2.1.3.1 lists them. */
  inclusionPath(leafIndex: number): Buffer[] {
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.size) {
      throw new RangeError(`leaf index ${leafIndex} is outside the tree of ${this.size} leaves`);
    }
    const path: Buffer[] = [];
    let index = leafIndex;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = index % 2 === 0 ? index + 1 : index - 1;
      if (sibling < level.length) {
        path.push(level[sibling]);
      }
      index = Math.floor(index / 2);
    }

    return path;
  }
}

/** Tests that a leaf index and tree size can describe a leaf: safe integers with 0 <= index < size. */
export function isLeafPosition(leafIndex: number, treeSize: number): boolean {
  return (
    Number.isSafeInteger(leafIndex) &&
    Number.isSafeInteger(treeSize) &&
    leafIndex >= 0 &&
    leafIndex < treeSize
  );
}

/** Returns how many hashes the inclusion path of a leaf has in a tree of `treeSize` leaves. */
export function inclusionPathLength(leafIndex: number, treeSize: number): number {
  let length = 0;
  let index = leafIndex;
  let levelSize = treeSize;
  while (levelSize > 1) {
    const sibling = index % 2 === 0 ? index + 1 : index - 1;
    if (sibling < levelSize) {
      length += 1;
    }
    index = Math.floor(index / 2);
    levelSize = Math.ceil(levelSize / 2);
  }

  return length;
}

/**
 * Computes the root that an inclusion path leads to, with the algorithm of RFC 9162 section
 * 2.1.3.2. Returns undefined when the path has the wrong length for the leaf position or the
 * position is impossible. The caller compares a returned root with the signed one.
 */
export function rootFromInclusionPath(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  path: readonly Uint8Array[],
): Buffer | undefined {
  if (!isLeafPosition(leafIndex, treeSize)) {
    return undefined;
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let root: Buffer = Buffer.from(leafHash);
  for (const sibling of path) {
    if (sn === 0) {
      return undefined;
    }
    if (fn % 2 === 1 || fn === sn) {
      root = hashChildren(sibling, root);
      // The node was the last of its level and moved up without a sibling: skip those levels.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      root = hashChildren(root, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }

  return sn === 0 ? root : undefined;
}
