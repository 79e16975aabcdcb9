// A progress bar on stderr (only on a terminal, so pipes and tests stay clean), and the rate at the end.
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    if (!this.out.isTTY || Date.now() - this.lastDraw < 100) return;
    this.lastDraw = Date.now();
    const width = 30;
    const ratio = this.total ? Math.min(1, done / this.total) : 1;
    const bar = '█'.repeat(Math.round(ratio * width)).padEnd(width, '░');
    this.out.write(`\r${this.label} ${bar} ${done}/${this.total} (${Math.round(ratio * 100)}%)`);
  }

  /** Clears the bar; returns "N events in Xs (R events/s)". */
  finish(done: number): string {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    return `${done} events in ${seconds.toFixed(2)} s (${Math.round(done / seconds)} events/s)`;
  }
}
