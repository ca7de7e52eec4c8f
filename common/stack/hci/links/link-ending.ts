// The end of an H4 link, told once: every link (controller, stream, serial, native user channel)
// ends by being closed or by the controller going away, and its listeners hear of it exactly once.
export class LinkEnding {
  private readonly listeners: Array<(error?: Error) => void> = [];
  private done = false;

  get ended(): boolean {
    return this.done;
  }

  on(listener: (error?: Error) => void): void {
    this.listeners.push(listener);
  }

  /** Marks the link ended and tells the listeners (with the error, if it went away). Later calls do nothing. */
  end(error?: Error): void {
    if (this.done) return;
    this.done = true;
    for (const l of this.listeners) l(error);
  }
}
