/** @module The set of live connections, by id. */
import type { Connection } from "./connection.ts";

/** Live connections; `open()` yields only those past the handshake. */
export class ConnectionRegistry {
  private readonly all = new Map<string, Connection>();

  add(conn: Connection): void { this.all.set(conn.id, conn); }
  remove(conn: Connection): void { this.all.delete(conn.id); }
  get(id: string): Connection | undefined { return this.all.get(id); }

  /** Every connection that completed the handshake and is not closed. */
  *open(): IterableIterator<Connection> {
    for (const conn of this.all.values()) if (conn.state === "open") yield conn;
  }

  /** Every connection, in any state. */
  values(): IterableIterator<Connection> { return this.all.values(); }

  /** How many connections there are, in any state. */
  get size(): number { return this.all.size; }

  /** Counts by role, plus sockets still in the handshake. */
  counts(): { operators: number; nodes: number; pending: number } {
    let operators = 0, nodes = 0, pending = 0;
    for (const conn of this.all.values()) {
      if (conn.state === "handshake" || conn.state === "authenticating") pending++;
      else if (conn.state === "open") conn.identity?.role === "node" ? nodes++ : operators++;
    }
    return { operators, nodes, pending };
  }
}
