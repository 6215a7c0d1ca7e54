import { IntegrityError, IntegrityErrorCode } from './integrity.errors';
import { HASH_BYTES, MerkleTree, hashChildren, inclusionPathLength, isLeafPosition } from './merkle-tree';

/**
 * Rebuilds a batch's tree from its signed root and the inclusion proofs of some of its leaves,
 * when the other leaf hashes are unknown: an export contains the proofs of the exported
 * observations only. A node is filled in when a proof names it or when both of its children
 * are known. Every other node stays 32 zero bytes, so the finished tree returns correct
 * inclusion paths only for the leaves whose proofs were added.
 */
export class PartialMerkleTree {
  /** Levels from the leaves up to the root, 32 bytes per node, as MerkleTree keeps them. */
  private readonly levels: Buffer[] = [];
  /** Per level, 1 for each node whose hash is known. */
  private readonly known: Uint8Array[] = [];

  constructor(
    readonly treeSize: number,
    rootHash: Uint8Array,
  ) {
    if (!isLeafPosition(0, treeSize) || rootHash.byteLength !== HASH_BYTES) {
      throw new RangeError(
        `a partial tree needs a positive integer size and a ${HASH_BYTES}-byte root, got size ${treeSize} and ${rootHash.byteLength} bytes`,
      );
    }
    for (let width = treeSize; ; width = Math.ceil(width / 2)) {
      this.levels.push(Buffer.alloc(width * HASH_BYTES));
      this.known.push(new Uint8Array(width));
      if (width === 1) {
        break;
      }
    }
    this.setNode(this.levels.length - 1, 0, rootHash);
  }

  /**
   * Adds a leaf hash and its inclusion path, in the order MerkleTree.inclusionPath returns it.
   * The caller has verified the path against the signed root. Throws INCONSISTENT_PROOFS when
   * a hash differs from one an earlier proof gave for the same node.
   */
  addProof(leafIndex: number, leafHash: Uint8Array, path: readonly Uint8Array[]): void {
    if (
      !isLeafPosition(leafIndex, this.treeSize) ||
      path.length !== inclusionPathLength(leafIndex, this.treeSize)
    ) {
      throw new RangeError(
        `a path of ${path.length} hashes does not fit leaf ${leafIndex} of a tree of ${this.treeSize} leaves`,
      );
    }
    this.setNode(0, leafIndex, leafHash);
    let index = leafIndex;
    let next = 0;
    for (let depth = 0; depth < this.levels.length - 1; depth += 1) {
      const sibling = index % 2 === 0 ? index + 1 : index - 1;
      if (sibling < this.width(depth)) {
        this.setNode(depth, sibling, path[next]);
        next += 1;
      }
      index = Math.floor(index / 2);
    }
  }

  /**
   * Hashes every node whose children are known, lowest level first, and returns the tree.
   * Throws INCONSISTENT_PROOFS when a hashed node, the root included, differs from the hash a
   * proof gave for it.
   */
  toTree(): MerkleTree {
    for (let depth = 0; depth < this.levels.length - 1; depth += 1) {
      const width = this.width(depth);
      for (let parent = 0; parent < Math.ceil(width / 2); parent += 1) {
        const left = 2 * parent;
        const right = left + 1;
        if (right < width && this.known[depth][left] === 1 && this.known[depth][right] === 1) {
          this.setNode(depth + 1, parent, hashChildren(this.node(depth, left), this.node(depth, right)));
        } else if (right >= width && this.known[depth][left] === 1) {
          // A node without a right sibling moves up unchanged.
          this.setNode(depth + 1, parent, this.node(depth, left));
        }
      }
    }

    return MerkleTree.fromStoredHashes(this.levels[0], Buffer.concat(this.levels.slice(1)));
  }

  private width(depth: number): number {
    return this.known[depth].length;
  }

  private node(depth: number, index: number): Buffer {
    return this.levels[depth].subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  private setNode(depth: number, index: number, hash: Uint8Array): void {
    if (hash.byteLength !== HASH_BYTES) {
      throw new RangeError(
        `node ${index} at level ${depth} needs a ${HASH_BYTES}-byte hash, got ${hash.byteLength} bytes`,
      );
    }
    if (this.known[depth][index] === 1) {
      if (!this.node(depth, index).equals(hash)) {
        throw new IntegrityError(
          IntegrityErrorCode.INCONSISTENT_PROOFS,
          `the proofs of a batch of ${this.treeSize} leaves give different hashes for node ${index} at level ${depth}`,
        );
      }

      return;
    }
    this.levels[depth].set(hash, index * HASH_BYTES);
    this.known[depth][index] = 1;
  }
}
