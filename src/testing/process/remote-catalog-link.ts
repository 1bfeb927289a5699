/**
 * A child process's end of the cluster's catalog bus: publishes and flushes
 * go to the parent, which owns the bus; the parent's replays come back and
 * are applied in order. Changes carry their sequence number, so one that
 * arrives both in the start-up log and from the bus is applied once.
 *
 * @module
 */
import type { CatalogChange, CatalogLink, CatalogReplica, SequencedChange } from '../catalog/bus.js';
import type { IpcPeer } from './ipc-peer.js';

/** The child's {@link CatalogLink}. */
export class RemoteCatalogLink implements CatalogLink {
  private replica: CatalogReplica | undefined;
  private applied = 0;
  private tail: Promise<void>;
  private opened!: () => void;
  private log: readonly SequencedChange[] = [];
  private delay = 0;

  /**
   * Made before the parent's first message is read: replays published after
   * the start-up log was taken may arrive right behind it, before the
   * catalog exists; they wait behind the log.
   *
   * @param peer - the channel to the parent
   */
  constructor(private readonly peer: IpcPeer) {
    this.tail = new Promise((resolve) => (this.opened = resolve));
    peer.handle<SequencedChange>('replay', (c) => this.enqueue(c));
  }

  get delayMs(): number {
    return this.delay;
  }

  /**
   * Takes the cluster's settings from the start-up message.
   *
   * @param delayMs - the cluster's propagation delay
   * @param log - changes published before this process started
   */
  prepare(delayMs: number, log: readonly SequencedChange[]): void {
    this.delay = delayMs;
    this.log = log;
  }

  /** Rebuilds the catalog from the log, then lets the replays waiting behind it through. */
  async join(_id: number, replica: CatalogReplica): Promise<void> {
    this.replica = replica;
    for (const c of this.log) await this.apply(c);
    this.opened();
  }

  publish(_origin: number, change: CatalogChange): Promise<void> {
    // Without the parent there is nobody to tell; the change stays local.
    return this.peer.request('publish', change).catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.peer.request('flush').catch(() => undefined);
  }

  private enqueue(c: SequencedChange): Promise<void> {
    this.tail = this.tail.then(() => this.apply(c));
    return this.tail;
  }

  private async apply(c: SequencedChange): Promise<void> {
    if (c.seq <= this.applied) return;
    this.applied = c.seq;
    await this.replica!.replay(c.change, c.seq);
  }
}
