/**
 * @module Text renderings of the fleet: the one-line summary the model reads before the user's message (kept short:
 * at most {@link SUMMARY_IDS} ids per state), and the tables and lines the CLI and the tools print.
 */
import type { NodeEntry, NodeInfo, NodePeer, NodeStats } from "./client.ts";
import type { FleetNode } from "./fleet.ts";

/** Most node ids the prompt summary names per state. */
export const SUMMARY_IDS = 8;

/** What `iot.status` answers. */
export interface NodeStatusReport {
  node: FleetNode;
  info: NodeInfo;
  stats: NodeStats;
  peers: NodePeer[];
}

const ids = (nodes: FleetNode[]) => {
  const named = nodes.slice(0, SUMMARY_IDS).map((n) => n.id).join(", ");
  return nodes.length > SUMMARY_IDS ? `${named} +${nodes.length - SUMMARY_IDS} more` : named;
};

/** The prompt line, e.g. `[IoT fleet: 1/2 online. Online: edge-a. Offline: edge-b.]`; empty for an empty fleet. */
export function fleetSummary(nodes: FleetNode[]): string {
  if (nodes.length === 0) return "";
  const parts = [`IoT fleet: ${nodes.filter((n) => n.online).length}/${nodes.length} online.`];
  for (const [label, status] of [["Online", "online"], ["Offline", "offline"], ["Not yet polled", "unknown"]] as const) {
    const some = nodes.filter((n) => n.lastStatus === status);
    if (some.length > 0) parts.push(`${label}: ${ids(some)}.`);
  }
  return `[${parts.join(" ")}]`;
}

const when = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString());

/** The fleet as a table: id, url, status, breaker, last seen, name and last error. */
export function renderFleet(nodes: FleetNode[]): string {
  if (nodes.length === 0) return "No IoT nodes. Add one with: mayros iot add <host> [--port 19090]";
  const rows = [["ID", "URL", "STATUS", "BREAKER", "LAST SEEN", "NAME", "LAST ERROR"]];
  for (const n of nodes) rows.push([n.id, n.url, n.lastStatus, n.breaker.state, when(n.lastSeen), n.name ?? "", n.lastError ?? ""]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** One node's info as text. */
export function renderInfo(id: string, info: NodeInfo): string {
  return `${id}: node ${info.node_id} v${info.version}, up ${info.uptime_secs} s, ${info.entries_count} entries, ${info.peers_count} peers, storage ${info.storage_backend}, features: ${info.features.join(", ") || "none"}`;
}

/** One node's stats as text. */
export function renderStats(id: string, s: NodeStats): string {
  return `${id}: ${s.entries_count} entries, ${s.actions_count} actions, ${s.storage_used} bytes stored, ${s.peer_count} peers, up ${s.uptime_secs} s, ${s.gossip_rounds} gossip rounds, sync ${s.sync_success} ok / ${s.sync_failed} failed`;
}

/** A node's full status: info, stats and peers. */
export function renderStatus(r: NodeStatusReport): string {
  const peers = r.peers.map((p) => `  ${p.addr}  quality ${p.quality}  seq ${p.latest_seq}  seen ${p.last_seen_secs} s ago`);
  return [renderInfo(r.node.id, r.info), renderStats(r.node.id, r.stats), `peers (${r.peers.length}):`, ...peers].join("\n");
}

/** An entry as text. */
export function renderEntry(entry: NodeEntry): string {
  return `entry ${entry.hash} (${entry.entry_type}, ${entry.size} bytes): ${JSON.stringify(entry.content)}`;
}
