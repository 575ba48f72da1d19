import cliProgress from 'cli-progress';

/** A progress line on a terminal; silent when stderr is not a TTY (CI, pipes). */
export class ProgressReporter {
  private readonly bar: cliProgress.SingleBar | undefined;
  private started = false;

  constructor(
    private readonly label: string,
    private readonly total?: number,
  ) {
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            total === undefined
              ? `${label} {value} records | {rejected} rejected | {duration}s`
              : `${label} [{bar}] {percentage}% | {value}/{total} | {rejected} rejected | {duration}s`,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  update(done: number, rejected = 0): void {
    if (this.bar === undefined) return;
    if (!this.started) {
      this.bar.start(this.total ?? 0, 0, { rejected: 0 });
      this.started = true;
    }
    this.bar.update(done, { rejected });
  }

  stop(): void {
    if (this.started) this.bar?.stop();
  }
}
