/**
 * A background worker of the node: runs one pass at a time, when woken and otherwise on a timer.
 * A wake during a pass runs another pass right after it, so no wake is lost and passes never overlap.
 */
export interface PassLoopOptions {
  /** One round of work. May return how long to wait before the next pass (ms); 0 runs the next one at once. */
  pass: () => Promise<number | void>;
  /** The longest wait between passes. */
  intervalMs: number;
  /** A pass threw; the loop goes on. */
  onError: (error: unknown) => void;
}

export class PassLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: PassLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.run();
  }

  /** No new pass starts; resolves once the pass in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.halt();
    await this.running;
  }

  /** No new pass starts; the pass in progress is left to itself. */
  halt(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    let delay: number | void;
    do {
      this.again = false;
      try {
        delay = await this.options.pass();
      } catch (error) {
        delay = undefined;
        if (!this.stopped) this.options.onError(error);
      }
      if (delay !== undefined && delay <= 0) this.again = true;
      // Let I/O in between two passes in a row.
      if (this.again) await new Promise((resolve) => setImmediate(resolve));
    } while (this.again && !this.stopped);
    this.running = undefined;
    if (this.stopped) return;
    const wait = Math.min(this.options.intervalMs, delay === undefined ? Infinity : delay);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }
}
