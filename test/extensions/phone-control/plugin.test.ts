/**
 * @module Unit tests of the phone-control plugin over a fake plugin API (an in-memory config file with merge-patch
 * writes, an in-memory database, a fake clock): the /phone command and who may use it, auto-disarm every 15 s and
 * at start-up, the record restored when a config write fails, and the phone.* methods.
 */
import { Database } from "bun:sqlite";
import { Type } from "@sinclair/typebox";
import { beforeEach, describe, expect, it } from "bun:test";
import { applyMergePatch } from "../../../src/config/index.ts";
import { phoneControlPlugin } from "../../../src/extensions/phone-control/index.ts";
import type { MayrosPluginApi, PluginCommand, PluginGatewayMethod, PluginService } from "../../../src/plugins/api.ts";
import { FakeClock } from "./fake-clock.ts";

const OWNER = { channel: "telegram", senderId: "42", accountId: "default", chatId: "42" };
const GUEST = { ...OWNER, senderId: "7", chatId: "7" };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** One gateway run of the plugin over a shared config file and database. */
function load(world: { config: unknown; db: Database; clock: FakeClock; failWrites?: boolean }) {
  const commands = new Map<string, PluginCommand>();
  const methods = new Map<string, PluginGatewayMethod>();
  const services: PluginService[] = [];
  const api = {
    id: "phone-control", name: "Phone Control", source: "bundled:phone-control", config: {}, pluginConfig: { allowFrom: ["telegram:42"] },
    logger: silent, Type,
    runtime: {
      stateDir: "/nowhere", workspaceDir: "/nowhere", database: () => world.db, readConfig: () => world.config,
      patchConfig: async (patch: Record<string, unknown>) => {
        if (world.failWrites) throw new Error("config invalid");
        world.config = applyMergePatch(world.config, patch);
      },
    },
    registerCommand: (c: PluginCommand) => commands.set(c.name, c),
    registerGatewayMethod: (name: string, m: PluginGatewayMethod) => methods.set(name, m),
    registerService: (s: PluginService) => services.push(s),
  } as unknown as MayrosPluginApi;
  phoneControlPlugin({ clock: world.clock })(api);
  const ctx = { stateDir: "/nowhere", workspaceDir: "/nowhere", logger: silent };
  return {
    phone: async (args: string, who = OWNER) => (await commands.get("phone")!.handler({ args, ...who })).text,
    call: (method: string, params: Record<string, unknown> = {}) => methods.get(method)!.handler(params),
    start: () => Promise.all(services.map((s) => s.start(ctx))),
    stop: () => Promise.all(services.map((s) => s.stop?.(ctx))),
  };
}

let world: { config: unknown; db: Database; clock: FakeClock; failWrites?: boolean };
const nodes = () => (world.config as any).gateway?.nodes;

beforeEach(() => {
  world = { config: { gateway: { port: 18789, nodes: { denyCommands: ["camera.clip"] } } }, db: new Database(":memory:"), clock: new FakeClock() };
});

describe("the /phone command", () => {
  it("should arm for an owner, show the status, and disarm back to the config before", async () => {
    const run = load(world);
    expect(await run.phone("")).toStartWith("Phone control: disarmed.\nUsage:\n/phone arm <camera|screen|writes|all> [30s|10m|2h|1d] (default 10m)");
    expect(await run.phone("arm camera 30s")).toBe([
      "Phone control: armed camera (camera.snap, camera.clip) by telegram:42.",
      "Disarms at 2026-01-01T00:00:30.000Z (in 30s).",
    ].join("\n"));
    expect(nodes()).toEqual({ denyCommands: [], allowCommands: ["camera.snap", "camera.clip"] });
    await world.clock.advance(10_000);
    expect(await run.phone("status")).toEndWith("(in 20s).");
    expect(await run.phone("disarm")).toBe("Disarmed camera: the node command lists are back as they were.");
    expect(world.config).toEqual({ gateway: { port: 18789, nodes: { denyCommands: ["camera.clip"] } } });
    expect(await run.phone("disarm")).toBe("Phone control was not armed.");
  });

  it("should arm for 10 minutes by default, and add a second group to the arm in force", async () => {
    const run = load(world);
    await run.phone("arm screen");
    expect(await run.phone("ARM Writes 2h")).toBe([
      "Phone control: armed screen, writes (screen.record, calendar.add, contacts.add, reminders.add, sms.send) by telegram:42.",
      "Disarms at 2026-01-01T02:00:00.000Z (in 2h).",
    ].join("\n"));
    expect(run.call("phone.status")).toMatchObject({ armed: true, addedToAllow: ["screen.record", "calendar.add", "contacts.add", "reminders.add", "sms.send"] });
  });

  it("should let only owners arm or disarm, and answer bad input with the usage", async () => {
    const run = load(world);
    expect(await run.phone("arm all", GUEST)).toBe("Not allowed: only the owners in plugins.entries.phone-control.config.allowFrom may arm (you are telegram:7).");
    expect(await run.phone("arm camera", { ...OWNER, channel: "discord" })).toContain("(you are discord:42)");
    expect(world.config).toEqual({ gateway: { port: 18789, nodes: { denyCommands: ["camera.clip"] } } });
    expect(await run.phone("status", GUEST)).toBe("Phone control: disarmed.");
    expect(await run.phone("arm microphone")).toStartWith("Name one group: camera, screen, writes, all.\nUsage:");
    expect(await run.phone("arm camera 10")).toBe('bad duration "10": use a positive number with s, m, h or d (e.g. 30s, 10m, 2h, 1d)');
    expect(await run.phone("explode")).toStartWith('Unknown subcommand "explode".');
    await run.phone("arm camera");
    expect(await run.phone("disarm", GUEST)).toContain("may disarm");
    expect(run.call("phone.status")).toMatchObject({ armed: true });
  });

  it("should keep the record as it was when the config write fails", async () => {
    const run = load(world);
    world.failWrites = true;
    await expect(run.phone("arm camera")).rejects.toThrow("config invalid");
    expect(run.call("phone.status")).toEqual({ armed: false });
  });
});

describe("expiry", () => {
  it("should disarm on the 15 s check once the time is up, keeping the user's edits made meanwhile", async () => {
    const run = load(world);
    await run.start();
    await run.phone("arm camera 30s");
    (world.config as any).gateway.nodes.allowCommands.push("location.get");
    await world.clock.advance(15_000);
    expect(run.call("phone.status")).toMatchObject({ armed: true, remainingMs: 15_000 });
    await world.clock.advance(15_000);
    expect(run.call("phone.status")).toEqual({ armed: false });
    expect(nodes()).toEqual({ denyCommands: ["camera.clip"], allowCommands: ["location.get"] });
    await run.stop();
    expect(world.clock.pending).toBe(0);
  });

  it("should apply at start-up an expiry that passed while the gateway was down", async () => {
    const before = load(world);
    await before.start();
    await before.phone("arm all 2h");
    await before.stop();
    await world.clock.advance(3 * 3_600_000);
    expect(nodes().allowCommands).toHaveLength(7);
    const after = load(world);
    await after.start();
    expect(after.call("phone.status")).toEqual({ armed: false });
    expect(world.config).toEqual({ gateway: { port: 18789, nodes: { denyCommands: ["camera.clip"] } } });
    await after.stop();
  });

  it("should keep an arm that has not expired across a restart", async () => {
    const before = load(world);
    await before.phone("arm screen 1d");
    const after = load(world);
    await after.start();
    expect(after.call("phone.status")).toMatchObject({ armed: true, groups: ["screen"], remainingMs: 86_400_000 });
    await after.stop();
  });
});

describe("the phone.* methods", () => {
  it("should arm as operator, refuse a bad duration as INVALID_REQUEST, and disarm", async () => {
    const run = load(world);
    expect(await run.call("phone.arm", { group: "camera" })).toMatchObject({ armed: true, armedBy: "operator", remainingMs: 600_000 });
    expect(() => run.call("phone.arm", { group: "camera", duration: "forever" })).toThrow(expect.objectContaining({ code: "INVALID_REQUEST" }));
    expect(await run.call("phone.disarm")).toEqual({ disarmed: true, status: { armed: false } });
    expect(await run.call("phone.disarm")).toEqual({ disarmed: false, status: { armed: false } });
  });
});
