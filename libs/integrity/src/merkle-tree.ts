import { hash } from 'node:crypto';

/** Bytes of a SHA-256 digest, the size of every node hash. */
export const HASH_BYTES = 32;

/** First byte of the data hashed for a leaf (RFC 9162 section 2.1.1). */
export const LEAF_HASH_PREFIX = 0x00;

const NODE_HASH_PREFIX = 0x01;

// Reused input of hashChildren: 0x01 || left || right. Safe because hashing is synchronous.
const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES);
nodeInput[0] = NODE_HASH_PREFIX;

/** Returns the SHA-256 digest of `data` in one call, which is cheaper than createHash for small inputs. */
export function sha256(data: Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/** Hashes a leaf as RFC 9162 section 2.1.1 does: SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + data.byteLength);
  input[0] = LEAF_HASH_PREFIX;
  input.set(data, 1);

  return sha256(input);
}

/** Hashes an inner node as RFC 9162 section 2.1.1 does: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.byteLength !== HASH_BYTES || right.byteLength !== HASH_BYTES) {
    return sha256(Buffer.concat([Buffer.of(NODE_HASH_PREFIX), left, right]));
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);

  return sha256(nodeInput);
}

/**
 * A Merkle tree over a batch of leaf hashes, shaped as RFC 9162 section 2.1.1 defines it. The
 * left subtree of n leaves contains the largest power of two below n. The tree is built level
 * by level, and a node without a right sibling moves up unchanged, which yields that same
 * shape. No node is duplicated, so a batch and the batch with its last leaf doubled differ.
 * Each level is one buffer of 32-byte hashes, so a stored tree can be read back without hashing.
 */
export class MerkleTree {
  private constructor(private readonly levels: Buffer[]) {}

  /** Builds the tree. Throws a RangeError for an empty list, because an empty batch has nothing to sign. */
  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MerkleTree {
    if (leafHashes.length === 0) {
      throw new RangeError('a Merkle tree needs at least one leaf');
    }
    const leaves = Buffer.allocUnsafe(leafHashes.length * HASH_BYTES);
    leafHashes.forEach((leafHash, index) => {
      if (leafHash.byteLength !== HASH_BYTES) {
        throw new RangeError(`leaf hash ${index} has ${leafHash.byteLength} bytes, expected ${HASH_BYTES}`);
      }
      leaves.set(leafHash, index * HASH_BYTES);
    });

    return MerkleTree.fromConcatenatedLeafHashes(leaves);
  }

  /** Builds the tree from leaf hashes written one after another (32 bytes each). */
  static fromConcatenatedLeafHashes(leaves: Buffer): MerkleTree {
    const size = leafCount(leaves);
    const levels = [leaves];
    for (let level = leaves, width = size; width > 1; ) {
      const parentWidth = Math.ceil(width / 2);
      const parents = Buffer.allocUnsafe(parentWidth * HASH_BYTES);
      for (let i = 0; i < width; i += 2) {
        const target = (i / 2) * HASH_BYTES;
        if (i + 1 < width) {
          // The two children lie next to each other in the level, so one copy fills the input.
          level.copy(nodeInput, 1, i * HASH_BYTES, (i + 2) * HASH_BYTES);
          parents.set(sha256(nodeInput), target);
        } else {
          level.copy(parents, target, i * HASH_BYTES, (i + 1) * HASH_BYTES);
        }
      }
      levels.push(parents);
      level = parents;
      width = parentWidth;
    }

    return new MerkleTree(levels);
  }

  /**
   * Reads a tree back from its leaf hashes and the `innerHashes()` it returned, without
   * hashing. The caller stores both, so the inner hashes are trusted as they are: a proof built
   * from a changed inner hash fails verification against the signed root.
   */
  static fromStoredHashes(leaves: Buffer, innerHashes: Buffer): MerkleTree {
    const levels = [leaves];
    let offset = 0;
    for (let width = leafCount(leaves); width > 1; ) {
      width = Math.ceil(width / 2);
      const end = offset + width * HASH_BYTES;
      if (end > innerHashes.byteLength) {
        throw new RangeError(`inner hashes have ${innerHashes.byteLength} bytes, too few for a tree of ${leafCount(leaves)} leaves`);
      }
      levels.push(innerHashes.subarray(offset, end));
      offset = end;
    }
    if (offset !== innerHashes.byteLength) {
      throw new RangeError(`inner hashes have ${innerHashes.byteLength} bytes, expected ${offset} for a tree of ${leafCount(leaves)} leaves`);
    }

    return new MerkleTree(levels);
  }

  get size(): number {
    return this.levels[0].byteLength / HASH_BYTES;
  }

  get root(): Buffer {
    return this.levels[this.levels.length - 1];
  }

  /** The leaf hashes, 32 bytes each, in leaf order. */
  get leafHashes(): Buffer {
    return this.levels[0];
  }

  /** Returns every level above the leaves, lowest first, 32 bytes per node, in the form `fromStoredHashes` reads back. */
  innerHashes(): Buffer {
    return Buffer.concat(this.levels.slice(1));
  }

  /** Returns the sibling hashes from the leaf up to the root, in the order RFC 9162 section 2.1.3.1 lists them. */
  inclusionPath(leafIndex: number): Buffer[] {
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.size) {
      throw new RangeError(`leaf index ${leafIndex} is outside the tree of ${this.size} leaves`);
    }
    const path: Buffer[] = [];
    let index = leafIndex;
    for (let depth = 0; depth < this.levels.length - 1; depth += 1) {
      const level = this.levels[depth];
      const sibling = index % 2 === 0 ? index + 1 : index - 1;
      if (sibling * HASH_BYTES < level.byteLength) {
        path.push(nodeAt(level, sibling));
      }
      index = Math.floor(index / 2);
    }

    return path;
  }
}

function nodeAt(level: Buffer, index: number): Buffer {
  return level.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
}

function leafCount(leaves: Buffer): number {
  if (leaves.byteLength === 0 || leaves.byteLength % HASH_BYTES !== 0) {
    throw new RangeError(`leaf hashes must be a non-empty multiple of ${HASH_BYTES} bytes, got ${leaves.byteLength}`);
  }

  return leaves.byteLength / HASH_BYTES;
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
