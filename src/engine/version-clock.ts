/**
 * Version numbers for `versionnumber` (and so ETags): strictly increasing within a process and
 * ahead of any earlier process, like SQL Server's rowversion. Microseconds since the epoch keep
 * them below 2^53 for centuries.
 */
export class VersionClock {
  private last = 0;

  next(): number {
    const candidate = Date.now() * 1000;
    this.last = candidate > this.last ? candidate : this.last + 1;
    return this.last;
  }
}
