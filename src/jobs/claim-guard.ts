import { Serial } from './serial.ts';

/**
 * What keeps the job claims of one store apart where the database does not (DuckDB: one process,
 * no row locks to skip): claims run one at a time, and skip the jobs whose step transaction is
 * open in this process — as PostgreSQL's `FOR UPDATE SKIP LOCKED` skips the rows such a
 * transaction's fence holds. One per store, shared by its sessions.
 */
export class ClaimGuard extends Serial {
  private readonly held = new Map<string, number>();

  /** Runs `fn` (a step's transaction) with job `id` kept from claims. */
  async hold<T>(id: string, fn: () => Promise<T>): Promise<T> {
    this.held.set(id, (this.held.get(id) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = (this.held.get(id) ?? 1) - 1;
      if (n === 0) this.held.delete(id);
      else this.held.set(id, n);
    }
  }

  /** The jobs held now. */
  heldIds(): string[] {
    return [...this.held.keys()];
  }
}
