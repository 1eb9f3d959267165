/**
 * @module The IoT Bridge plugin in a running gateway with the fake model and two loopback aingle_minimal fakes, one
 * healthy and one down (dropping every connection): the fleet summary shows one online, both via `iot.fleet` and in
 * the model's prompt; once the dead node's breaker opens, calls to it fail fast without touching it while the other
 * node keeps answering the model's tool calls; back up, it is online after one poll (`iot.poll`, awaited); and the
 * fleet changed with `mayros iot` survives a gateway restart on the same state dir.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";
import { runCli } from "../cli/spawn.ts";
import { startAingleFake, type AingleFake } from "../fakes/aingle-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { agentConfig, lastUserText, startAgentRun, startFake, toolResults } from "../helpers/agent.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";

const KEY = "agent:main:iot";

describe("the iot-bridge plugin in a running gateway", () => {
  let live: AingleFake;
  let dead: AingleFake;
  let model: SseFake;
  let stateDir: string;
  let gw: ChannelHarness | undefined;
  let runs = 0;

  const start = async () => {
    const nodes = [{ id: "live", host: "127.0.0.1", port: live.port, label: "Greenhouse" }, { id: "dead", host: "127.0.0.1", port: dead.port }];
    const iot = { enabled: true, config: { nodes, resilience: { retryDelayMs: 1, maxRetryDelayMs: 5, circuitThreshold: 3 } } };
    gw = await startChannelGateway(agentConfig("anthropic", model.url, { plugins: { entries: { "iot-bridge": iot } } }), {}, { stateDir });
  };
  const call = async (method: string, params: Record<string, unknown> = {}) => gw!.admin.request(method, params);
  const cli = (...args: string[]) => runCli(["iot", ...args, "--url", gw!.gateway.url, "--token", TEST_TOKEN], { stateDir });
  /** Runs one agent turn and waits for its end. */
  const run = async (message: string) => {
    const id = `iot-${++runs}`;
    const { final } = await startAgentRun(gw!.admin, { message, sessionKey: KEY, idempotencyKey: id }, `req-${id}`);
    expect((await final).payload.status).toBe("ok");
  };

  beforeAll(async () => {
    live = startAingleFake({ nodeId: "live" });
    dead = startAingleFake({ nodeId: "dead" });
    await dead.down("close");
    model = startFake("anthropic");
    stateDir = mkdtempSync(join(tmpdir(), "mayros-iot-e2e-"));
    await start();
  });
  afterAll(async () => {
    await gw?.stop();
    await Promise.all([live.stop(), dead.stop(), model.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("should show one of two nodes online, via iot.fleet and in the model's prompt", async () => {
    const polled = (await call("iot.poll")).payload;
    expect([polled.online, polled.total]).toEqual([1, 2]);
    const fleet = (await call("iot.fleet")).payload;
    expect(fleet.nodes.map((n: any) => [n.id, n.lastStatus, n.name])).toEqual([["live", "online", "Greenhouse"], ["dead", "offline", null]]);
    expect(fleet.nodes[0].info).toMatchObject({ node_id: "live", version: "0.3.1" });
    model.script({ text: ["Noted."] });
    await run("how are the sensors?");
    expect(lastUserText(model.requests.at(-1)!.body)).toMatch(/^\[IoT fleet: 1\/2 online\. Online: live\. Offline: dead\.\]\n\n\[[^\]]+\] how are the sensors\?$/);
  });

  it("should fail fast once the dead node's breaker opens, while the live node keeps answering the model", async () => {
    // The failed poll counted once; the first call's attempts open the breaker (threshold 3) and its last attempt is refused.
    const first = await call("iot.status", { id: "dead" });
    expect(first.error).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining('node "dead" is unavailable: its circuit breaker is open') });
    const dropped = dead.dropped;
    const again = await call("iot.status", { id: "dead" });
    expect(again.error.message).toContain("circuit breaker is open");
    model.script(
      { toolCalls: [{ id: "c1", name: "iot_node_info", args: ['{"nodeId":"dead"}'] }, { id: "c2", name: "iot_node_info", args: ['{"nodeId":"live"}'] }] },
      { text: ["One node is down."] },
    );
    await run("node info please");
    const results = toolResults(model.requests.at(-1)!.body);
    expect(results.c1).toMatchObject({ isError: true, text: expect.stringContaining('node "dead" is unavailable: its circuit breaker is open') });
    expect(results.c2).toMatchObject({ isError: false, text: expect.stringContaining("live: node live v0.3.1") });
    expect(dead.dropped).toBe(dropped); // no connection reached the dead node while its breaker was open
    expect((await call("iot.fleet")).payload.nodes[1].breaker.state).toBe("open");
  });

  it("should publish and read entries and observations through the live node's tools", async () => {
    model.script(
      { toolCalls: [{ id: "p1", name: "iot_send_observation", args: ['{"nodeId":"live","sensorType":"temperature","value":21.5,"confidence":0.9}'] }] },
      { text: ["Sent."] },
    );
    await run("log the temperature");
    const sent = toolResults(model.requests.at(-1)!.body).p1!;
    expect(sent.isError).toBe(false);
    expect(sent.text).toMatch(/^Observation temperature=21\.5 sent to live: hash [0-9a-f]{64}, seq 1\.$/);
    const hash = sent.text.match(/hash ([0-9a-f]{64})/)![1]!;
    expect(live.requests.at(-1)!.body.data).toMatchObject({ type: "observation", obs_type: "temperature", value: 21.5, confidence: 0.9, timestamp: expect.any(Number) });
    model.script({ toolCalls: [{ id: "g1", name: "iot_get_entry", args: [JSON.stringify({ nodeId: "live", hash })] }] }, { text: ["Read."] });
    await run("read it back");
    expect(toolResults(model.requests.at(-1)!.body).g1!.text).toStartWith(`entry ${hash} (observation,`);
  });

  it("should see the dead node online after one poll once it is back", async () => {
    dead.up();
    const polled = (await call("iot.poll")).payload;
    expect([polled.online, polled.total]).toEqual([2, 2]);
    expect(polled.nodes[1]).toMatchObject({ id: "dead", online: true, breaker: { state: "closed" }, info: { node_id: "dead" } });
    expect((await call("iot.status", { id: "dead" })).payload).toMatchObject({ info: { node_id: "dead" }, peers: [{ addr: "10.0.0.9:19091" }] });
  });

  it("should change the fleet with mayros iot and keep it across a restart", async () => {
    const added = await cli("add", "127.0.0.1", "--port", String(live.port), "--id", "spare", "--label", "Spare");
    expect({ code: added.code, stdout: added.stdout, stderr: added.stderr }).toEqual({ code: 0, stdout: `Added spare (${live.url}).\n`, stderr: "" });
    expect((await cli("remove", "dead")).stdout).toBe("Removed dead.\n");
    const badPort = await cli("add", "10.0.0.1", "--port", "nope");
    expect([badPort.code, badPort.stderr]).toEqual([2, expect.stringContaining('--port must be an integer from 1 to 65535 (got "nope")')]);
    await gw!.stop();
    await start();
    const fleet = JSON.parse((await cli("fleet", "--poll", "--json")).stdout);
    expect(fleet.nodes.map((n: any) => [n.id, n.name, n.lastStatus])).toEqual([["live", "Greenhouse", "online"], ["spare", "Spare", "online"]]);
    expect((await cli("ping", "spare")).stdout).toMatch(/^spare: online, \d+ ms\n$/);
    const table = await cli("fleet");
    expect(table.stdout).toMatch(/^2\/2 online\nID\s+URL\s+STATUS\s+BREAKER/);
    const unknown = await call("iot.status", { id: "dead" });
    expect(unknown.error).toMatchObject({ code: "INVALID_REQUEST", message: 'iot.status: unknown node "dead"' });
  });
});
