// Runs a command to completion and reports its peak resident memory: from GNU time when the machine has
// it, else by polling VmHWM (the kernel's own high-water mark) in /proc while it runs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  peakRssBytes: number;
}

const GNU_TIME = '/usr/bin/time';

export function runMeasured(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const viaTime = existsSync(GNU_TIME);
  const child = viaTime ? spawn(GNU_TIME, ['-v', command, ...args], { env }) : spawn(command, args, { env });
  let stdout = '';
  let stderr = '';
  let hwm = 0;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const poll = viaTime
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
        } catch {
          // it exited between two polls
        }
      }, 50);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ code, stdout, stderr, peakRssBytes: m ? Number(m[1]) * 1024 : hwm });
    });
  });
}
