/**
 * @module The agent's IoT tools: `iot_node_info`, `iot_node_stats`, `iot_list_fleet`, `iot_publish_entry`,
 * `iot_get_entry` and `iot_send_observation`. Node calls go through the node's breaker with retries; a failure
 * (unknown node, unreachable node, open breaker) comes back as an error result naming the cause.
 */
import type { MayrosPluginApi, PluginToolResult } from "../../plugins/api.ts";
import type { IotBridge } from "./bridge.ts";
import type { NodeLink } from "./node-link.ts";
import { fleetAnswer } from "./methods.ts";
import { renderEntry, renderFleet, renderInfo, renderStats } from "./render.ts";

const answer = (text: string, details: unknown): PluginToolResult => ({ content: [{ type: "text", text }], details });
const refuse = (err: unknown): PluginToolResult => ({ content: [{ type: "text", text: err instanceof Error ? err.message : String(err) }], isError: true });

/** Registers the six tools on `api`; `bridge` is resolved when a tool runs, `now` stamps observations. */
export function registerIotTools(api: MayrosPluginApi, bridge: () => IotBridge, now: () => number): void {
  const { Type } = api;
  const nodeId = Type.String({ minLength: 1, description: "The node's id in the fleet (see iot_list_fleet)" });
  /** A tool calling one node: `run` gets the node's link and the params, and answers text and details. */
  const nodeTool = (name: string, label: string, description: string, extra: Parameters<typeof Type.Object>[0], run: (link: NodeLink, p: Record<string, any>) => Promise<{ text: string; details: unknown }>) => api.registerTool({
    name, label, description,
    parameters: Type.Object({ nodeId, ...extra }),
    async execute(_id, params) {
      try {
        const { text, details } = await run(bridge().fleet.link(String(params.nodeId)), params);
        return answer(text, details);
      } catch (err) {
        return refuse(err);
      }
    },
  });

  api.registerTool({
    name: "iot_list_fleet",
    label: "IoT fleet",
    description: "List the IoT edge nodes (aingle_minimal) with their online status from the last health poll.",
    parameters: Type.Object({ onlineOnly: Type.Optional(Type.Boolean({ description: "Only the nodes online" })) }),
    async execute(_id, params) {
      const fleet = fleetAnswer(bridge().fleet.list(), params.onlineOnly === true);
      return answer(`${fleet.online}/${fleet.total} online\n${renderFleet(fleet.nodes)}`, fleet);
    },
  });
  nodeTool("iot_node_info", "IoT node info", "Read an IoT node's identity: node id, version, uptime, entry and peer counts, storage, features.", {}, async (link, p) => {
    const info = await link.call((c) => c.info());
    return { text: renderInfo(p.nodeId, info), details: info };
  });
  nodeTool("iot_node_stats", "IoT node stats", "Read an IoT node's statistics: entries, actions, storage used, peers, gossip and sync counts.", {}, async (link, p) => {
    const stats = await link.call((c) => c.stats());
    return { text: renderStats(p.nodeId, stats), details: stats };
  });
  nodeTool("iot_get_entry", "Get IoT entry", "Read a DAG entry from an IoT node by its hash.", { hash: Type.String({ minLength: 1 }) }, async (link, p) => {
    const entry = await link.call((c) => c.entry(String(p.hash)));
    return entry ? { text: renderEntry(entry), details: entry } : { text: `No entry ${p.hash} on ${p.nodeId}.`, details: null };
  });
  nodeTool("iot_publish_entry", "Publish IoT entry", "Publish a DAG entry (any JSON data) on an IoT node; answers its hash and sequence number.", { data: Type.Unknown({ description: "The entry's data" }) }, async (link, p) => {
    const published = await link.call((c) => c.publish(p.data));
    return { text: `Published on ${p.nodeId}: hash ${published.hash}, seq ${published.seq}.`, details: published };
  });
  nodeTool("iot_send_observation", "Send IoT observation", "Send a sensor observation (type, numeric value, optional confidence 0-1 and metadata) to an IoT node as a DAG entry.", {
    sensorType: Type.String({ minLength: 1, description: "e.g. temperature" }),
    value: Type.Number(),
    confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }, async (link, p) => {
    const { sensorType, value, confidence, metadata } = p as { sensorType: string; value: number; confidence?: number; metadata?: Record<string, unknown> };
    const observation = { obs_type: sensorType, value, timestamp: now(), ...(confidence !== undefined && { confidence }), ...(metadata && { metadata }) };
    const published = await link.call((c) => c.observe(observation));
    return { text: `Observation ${sensorType}=${value} sent to ${p.nodeId}: hash ${published.hash}, seq ${published.seq}.`, details: published };
  });
}
