// A minimal Prometheus registry: counters and gauges with labels, rendered in the text exposition format.
// Small enough to own; saves a dependency for the few series each service exports.
import { Injectable } from '@nestjs/common';

type LabelValues = Record<string, string>;

interface Series {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: LabelValues; value: number }>;
  collect?: () => number;
}

const labelKey = (labels: LabelValues) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

@Injectable()
export class MetricsRegistry {
  private readonly series = new Map<string, Series>();

  constructor(private readonly prefix = 'everynode_') {}

  private get(name: string, help: string, type: Series['type']): Series {
    const full = this.prefix + name;
    let s = this.series.get(full);
    if (!s) {
      s = { name: full, help, type, values: new Map() };
      this.series.set(full, s);
    }
    return s;
  }

  counter(name: string, help: string) {
    const s = this.get(name, help, 'counter');
    return {
      inc: (labels: LabelValues = {}, by = 1) => {
        const key = labelKey(labels);
        const v = s.values.get(key) ?? { labels, value: 0 };
        v.value += by;
        s.values.set(key, v);
      },
    };
  }

  gauge(name: string, help: string) {
    const s = this.get(name, help, 'gauge');
    return {
      set: (value: number, labels: LabelValues = {}) => s.values.set(labelKey(labels), { labels, value }),
    };
  }

  /** A gauge read at scrape time (queue lengths, lag). */
  gaugeFn(name: string, help: string, collect: () => number) {
    this.get(name, help, 'gauge').collect = collect;
  }

  /** A counter read at scrape time, from a component that counts by itself. */
  counterFn(name: string, help: string, collect: () => number) {
    this.get(name, help, 'counter').collect = collect;
  }

  render(): string {
    const mem = process.memoryUsage();
    this.gauge('process_resident_memory_bytes', 'Resident memory of this process.').set(mem.rss);
    this.gauge('process_heap_used_bytes', 'V8 heap in use.').set(mem.heapUsed);
    const lines: string[] = [];
    for (const s of this.series.values()) {
      lines.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
      if (s.collect) lines.push(`${s.name} ${s.collect()}`);
      for (const { labels, value } of s.values.values()) {
        const l = labelKey(labels);
        lines.push(l ? `${s.name}{${l}} ${value}` : `${s.name} ${value}`);
      }
    }
    return lines.join('\n') + '\n';
  }
}
