/**
 * @module The aingle_minimal client against the loopback fake: every endpoint and its envelope, 404 as null,
 * 4xx as "up but said no", and refused, dropped, slow (per-request timeout) and 5xx answers as unreachable.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { AingleClient, IotRequestError, isUnreachable } from "../../../src/extensions/iot-bridge/client.ts";
import { startAingleFake } from "../../fakes/aingle-fake.ts";

const fake = startAingleFake({ nodeId: "edge-1" });
const client = new AingleClient(fake.url, { timeoutMs: 1000 });
afterAll(() => fake.stop());

/** The error a call rejects with. */
async function failure(call: Promise<unknown>): Promise<IotRequestError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(IotRequestError);
  return err as IotRequestError;
}

describe("AingleClient", () => {
  it("should read health, info, stats and peers", async () => {
    await client.health();
    expect(await client.info()).toMatchObject({ node_id: "edge-1", version: "0.3.1", features: ["dag", "gossip"] });
    expect(await client.stats()).toMatchObject({ gossip_rounds: 7, sync_failed: 0 });
    expect(await client.peers()).toEqual([{ addr: "10.0.0.9:19091", quality: 0.9, latest_seq: 3, last_seen_secs: 4 }]);
  });

  it("should publish an entry and read it back, null for an unknown hash", async () => {
    const published = await client.publish({ hello: "world" });
    expect([published.seq, published.hash]).toEqual([1, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(fake.requests.at(-1)).toEqual({ method: "POST", path: "/api/v1/entries", body: { data: { hello: "world" } } });
    expect(await client.entry(published.hash)).toMatchObject({ hash: published.hash, entry_type: "app", content: { hello: "world" } });
    expect(await client.entry("missing")).toBeNull();
  });

  it("should send an observation as a DAG entry of type observation", async () => {
    await client.observe({ obs_type: "temperature", value: 21.5, timestamp: 1_700_000_000_000, confidence: 0.9 });
    expect(fake.requests.at(-1)!.body).toEqual({ data: { type: "observation", obs_type: "temperature", value: 21.5, timestamp: 1_700_000_000_000, confidence: 0.9 } });
  });

  it("should treat a 4xx as the node saying no, and a 5xx as unreachable", async () => {
    const no = await failure(client.publish(undefined));
    expect([no.status, no.unreachable, no.message]).toEqual([400, false, "POST /api/v1/entries: HTTP 400: missing data"]);
    fake.failWith(503);
    const down = await failure(client.stats());
    expect([down.status, isUnreachable(down), down.message]).toEqual([503, true, "GET /api/v1/stats: HTTP 503: injected failure 503"]);
    expect(isUnreachable(await failure(client.health()))).toBe(true);
    fake.failWith(null);
  });

  it("should time out a slow answer after the per-request timeout", async () => {
    const quick = new AingleClient(fake.url, { timeoutMs: 50 });
    fake.delayMs = 2000;
    const err = await failure(quick.info());
    fake.delayMs = 0;
    expect([err.unreachable, err.message]).toEqual([true, "GET /api/v1/info: timed out after 50 ms"]);
  });

  it("should see a refused and a dropped connection as unreachable, and the node again once it is back", async () => {
    await fake.down("refuse");
    expect(isUnreachable(await failure(client.info()))).toBe(true);
    fake.up();
    await fake.down("close");
    expect(isUnreachable(await failure(client.info()))).toBe(true);
    fake.up();
    await client.health();
  });
});
