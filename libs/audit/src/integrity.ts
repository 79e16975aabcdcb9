// Tamper evidence: the log is one hash chain in its total order (position 1, 2, 3, …). Any event edited,
// removed or inserted behind the application's back breaks a link, and the first broken position is named.
import type { RecordedEvent } from '@everynode/contracts';
import { computeEventHash, GENESIS_HASH } from '@everynode/event-store';

export interface IntegrityProblem {
  position: number;
  problem: string;
}

/** Feed events in position order; `problem` holds the first break found. */
export class ChainVerifier {
  checked = 0;
  problem: IntegrityProblem | null = null;
  private expectedPosition = 1;
  private prevHash = GENESIS_HASH;
  private readonly streamVersions = new Map<string, number>();

  add(event: RecordedEvent): boolean {
    if (this.problem) return false;
    if (event.position !== this.expectedPosition) {
      return this.fail(this.expectedPosition, event.position > this.expectedPosition
        ? `event missing: positions ${this.expectedPosition}..${event.position - 1} are not in the log`
        : `position ${event.position} appears out of order`);
    }
    if (event.prevHash !== this.prevHash) {
      return this.fail(event.position, `prev_hash does not link to the event before it (expected ${this.prevHash.slice(0, 12)}…, found ${event.prevHash.slice(0, 12)}…)`);
    }
    const { hash: stored, prevHash: _p, ...content } = event;
    const recomputed = computeEventHash(this.prevHash, content);
    if (recomputed !== stored) {
      return this.fail(event.position, `content does not match its hash (stored ${stored.slice(0, 12)}…, recomputed ${recomputed.slice(0, 12)}…): the event was edited`);
    }
    const version = (this.streamVersions.get(event.stream) ?? 0) + 1;
    if (event.streamVersion !== version) {
      return this.fail(event.position, `stream ${event.stream} jumps to version ${event.streamVersion} (expected ${version})`);
    }
    this.streamVersions.set(event.stream, version);
    this.prevHash = stored;
    this.expectedPosition++;
    this.checked++;
    return true;
  }

  /** The head hash after everything checked: compare it with an anchor kept outside the database. */
  get headHash(): string {
    return this.prevHash;
  }

  private fail(position: number, problem: string): false {
    this.problem = { position, problem };
    return false;
  }
}
