// Peak resident memory of each service, sampled from its own /metrics.
export class RssSampler {
  readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly endpoints: Map<string, string>) {}

  start(everyMs = 250): this {
    this.timer = setInterval(() => void this.sample(), everyMs);
    return this;
  }

  async sample(): Promise<void> {
    await Promise.all(
      [...this.endpoints].map(async ([name, url]) => {
        const text = await fetch(url).then((r) => r.text()).catch(() => '');
        const m = text.match(/^everynode_process_resident_memory_bytes (\d+)/m);
        if (m) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, Number(m[1])));
      }),
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
