/**
 * @module What a QR login waits for: the socket's QR codes (each replaces the last; WhatsApp rotates them
 * about every 20 s), the connection opening (linked), or the attempt ending (QR expired, logged out).
 * Waiters are resolved by the first event they accept or by their timeout.
 */

/** One step of a login. */
export type LoginEvent = { type: "qr"; qr: string } | { type: "open" } | { type: "ended"; message: string };

/** Pending waits on login events. */
export class LoginEvents {
  private readonly waiters = new Set<(event: LoginEvent) => boolean>();
  /** The QR currently shown, until the login ends or connects. */
  qr: string | undefined;

  /** Records and delivers an event. */
  emit(event: LoginEvent): void {
    this.qr = event.type === "qr" ? event.qr : undefined;
    for (const waiter of [...this.waiters]) if (waiter(event)) this.waiters.delete(waiter);
  }

  /** Resolves with `accept(event)` for the first event it maps to a value, or with `onTimeout()` after `timeoutMs`. */
  wait<T>(accept: (event: LoginEvent) => T | undefined, timeoutMs: number, onTimeout: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      const waiter = (event: LoginEvent) => {
        const value = accept(event);
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(onTimeout());
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
