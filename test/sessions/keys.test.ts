/** @module Tests of session key builders, the parser and validation (protocol.md §7.4). */
import { describe, expect, it } from "bun:test";
import {
  GLOBAL_SESSION_KEY, MAX_SESSION_KEY_LENGTH, agentIdOf, cronSessionKey, dmSessionKey, groupSessionKey, hookSessionKey,
  isValidSessionKey, listKindOf, mainSessionKey, nodeSessionKey, parseSessionKey, type ParsedSessionKey,
} from "../../src/sessions/index.ts";

describe("session key builders", () => {
  it("should build the main key with defaults agent:main:main", () => {
    expect(mainSessionKey()).toBe("agent:main:main");
    expect(mainSessionKey("work", "home")).toBe("agent:work:home");
    expect(mainSessionKey(" Work ", "Home")).toBe("agent:work:home");
  });

  it("should build DM keys for every dmScope", () => {
    const base = { agentId: "main", channel: "telegram", accountId: "bot1", peer: "+15551234" };
    expect(dmSessionKey({ ...base, dmScope: "main" })).toBe("agent:main:main");
    expect(dmSessionKey({ ...base })).toBe("agent:main:main");
    expect(dmSessionKey({ ...base, dmScope: "main", mainKey: "inbox" })).toBe("agent:main:inbox");
    expect(dmSessionKey({ ...base, dmScope: "per-peer" })).toBe("agent:main:dm:+15551234");
    expect(dmSessionKey({ ...base, dmScope: "per-channel-peer" })).toBe("agent:main:telegram:dm:+15551234");
    expect(dmSessionKey({ ...base, dmScope: "per-account-channel-peer" })).toBe("agent:main:telegram:bot1:dm:+15551234");
  });

  it("should default the account id to 'default' for per-account-channel-peer", () => {
    expect(dmSessionKey({ dmScope: "per-account-channel-peer", channel: "slack", peer: "U1" })).toBe("agent:main:slack:default:dm:U1");
  });

  it("should refuse a channel scope without a channel and reserved or colon-bearing segments", () => {
    expect(() => dmSessionKey({ dmScope: "per-channel-peer", peer: "p" })).toThrow(TypeError);
    expect(() => dmSessionKey({ dmScope: "per-channel-peer", channel: "dm", peer: "p" })).toThrow(TypeError);
    expect(() => dmSessionKey({ dmScope: "per-account-channel-peer", channel: "x", accountId: "group", peer: "p" })).toThrow(TypeError);
    expect(() => dmSessionKey({ dmScope: "per-peer", agentId: "a:b", peer: "p" })).toThrow(TypeError);
    expect(() => dmSessionKey({ dmScope: "per-peer", peer: "  " })).toThrow(TypeError);
    expect(() => dmSessionKey({ dmScope: "per-peer", peer: "a\nb" })).toThrow(TypeError);
    expect(() => dmSessionKey({ dmScope: "bogus" as never, peer: "p" })).toThrow(TypeError);
    expect(() => mainSessionKey("", "main")).toThrow(TypeError);
  });

  it("should build group, room and topic keys", () => {
    expect(groupSessionKey({ channel: "whatsapp", groupId: "123@g.us" })).toBe("agent:main:whatsapp:group:123@g.us");
    expect(groupSessionKey({ agentId: "ops", channel: "discord", groupId: "998877", kind: "channel" })).toBe("agent:ops:discord:channel:998877");
    expect(groupSessionKey({ channel: "telegram", groupId: "-100123", topicId: "42" })).toBe("agent:main:telegram:group:-100123:topic:42");
    expect(() => groupSessionKey({ channel: "telegram", groupId: "a:topic:b" })).toThrow(TypeError);
    expect(() => groupSessionKey({ channel: "telegram", groupId: "g", kind: "dm" as never })).toThrow(TypeError);
  });

  it("should build cron, hook, node and global keys", () => {
    expect(cronSessionKey("job-1")).toBe("cron:job-1");
    expect(hookSessionKey("0b7c9f3e-1111-2222-3333-444455556666")).toBe("hook:0b7c9f3e-1111-2222-3333-444455556666");
    expect(nodeSessionKey("mac-mini")).toBe("node-mac-mini");
    expect(GLOBAL_SESSION_KEY).toBe("global");
    expect(() => cronSessionKey("")).toThrow(TypeError);
  });

  it("should refuse a key longer than 512 characters", () => {
    expect(() => dmSessionKey({ dmScope: "per-peer", peer: "x".repeat(MAX_SESSION_KEY_LENGTH) })).toThrow(TypeError);
  });
});

describe("parseSessionKey", () => {
  const cases: [string, Record<string, unknown>][] = [
    [mainSessionKey(), { kind: "main", agentId: "main", mainKey: "main" }],
    [mainSessionKey("work", "inbox"), { kind: "main", agentId: "work", mainKey: "inbox" }],
    [dmSessionKey({ dmScope: "per-peer", peer: "@alice:matrix.org" }), { kind: "direct", agentId: "main", dmScope: "per-peer", peer: "@alice:matrix.org" }],
    [dmSessionKey({ dmScope: "per-channel-peer", channel: "telegram", peer: "dm:odd" }),
      { kind: "direct", agentId: "main", dmScope: "per-channel-peer", channel: "telegram", peer: "dm:odd" }],
    [dmSessionKey({ dmScope: "per-account-channel-peer", channel: "slack", accountId: "acme", peer: "U1:group" }),
      { kind: "direct", agentId: "main", dmScope: "per-account-channel-peer", channel: "slack", accountId: "acme", peer: "U1:group" }],
    [groupSessionKey({ channel: "whatsapp", groupId: "123@g.us" }), { kind: "group", agentId: "main", channel: "whatsapp", groupId: "123@g.us" }],
    [groupSessionKey({ channel: "matrix", groupId: "!room:server.org", kind: "channel" }),
      { kind: "channel", agentId: "main", channel: "matrix", groupId: "!room:server.org" }],
    [groupSessionKey({ channel: "telegram", groupId: "-100", topicId: "7" }), { kind: "group", agentId: "main", channel: "telegram", groupId: "-100", topicId: "7" }],
    [groupSessionKey({ channel: "telegram", groupId: "dm", topicId: "a:b" }), { kind: "group", agentId: "main", channel: "telegram", groupId: "dm", topicId: "a:b" }],
    [cronSessionKey("nightly:report"), { kind: "cron", jobId: "nightly:report" }],
    [hookSessionKey("abc"), { kind: "hook", id: "abc" }],
    [nodeSessionKey("pi-4"), { kind: "node", nodeId: "pi-4" }],
    [GLOBAL_SESSION_KEY, { kind: "global" }],
  ];

  for (const [key, expected] of cases) {
    it(`should parse ${key} and rebuild it`, () => {
      const parsed = parseSessionKey(key);
      expect(parsed).toEqual({ key, ...expected } as unknown as ParsedSessionKey);
      expect(rebuild(parsed)).toBe(key);
    });
  }

  it("should report keys that fit no form as unknown, with the agent when there is one", () => {
    expect(parseSessionKey("whatever")).toEqual({ key: "whatever", kind: "unknown" });
    expect(parseSessionKey("agent:main:foo:bar")).toEqual({ key: "agent:main:foo:bar", kind: "unknown", agentId: "main" });
    expect(parseSessionKey("agent:main:dm")).toEqual({ key: "agent:main:dm", kind: "main", agentId: "main", mainKey: "dm" });
    expect(parseSessionKey("agent:main:group:x:dm:y")).toEqual({ key: "agent:main:group:x:dm:y", kind: "unknown", agentId: "main" });
    expect(parseSessionKey("agent::main").kind).toBe("unknown");
    expect(parseSessionKey("cron:").kind).toBe("unknown");
    expect(parseSessionKey("").kind).toBe("unknown");
    expect(parseSessionKey("a\u0000b").kind).toBe("unknown");
  });
});

describe("isValidSessionKey, agentIdOf, listKindOf", () => {
  it("should accept non-empty keys up to 512 characters without control characters", () => {
    expect(isValidSessionKey("agent:main:main")).toBe(true);
    expect(isValidSessionKey("x".repeat(512))).toBe(true);
    expect(isValidSessionKey("x".repeat(513))).toBe(false);
    expect(isValidSessionKey("")).toBe(false);
    expect(isValidSessionKey("a\tb")).toBe(false);
    expect(isValidSessionKey("a\u007fb")).toBe(false);
    expect(isValidSessionKey("a\u0085b")).toBe(false);
    expect(isValidSessionKey(42)).toBe(false);
    expect(isValidSessionKey("agent:main:dm:Ünïcødé 👋")).toBe(true);
  });

  it("should give the owning agent, or the fallback for keys without one", () => {
    expect(agentIdOf("agent:ops:telegram:group:1")).toBe("ops");
    expect(agentIdOf("agent:ops:weird:form:here")).toBe("ops");
    expect(agentIdOf("cron:job")).toBe("main");
    expect(agentIdOf("global", "other")).toBe("other");
  });

  it("should classify keys for sessions.list rows", () => {
    expect(listKindOf("agent:main:main")).toBe("direct");
    expect(listKindOf("agent:main:dm:bob")).toBe("direct");
    expect(listKindOf("agent:main:discord:channel:1")).toBe("group");
    expect(listKindOf("agent:main:telegram:group:1")).toBe("group");
    expect(listKindOf("global")).toBe("global");
    expect(listKindOf("cron:x")).toBe("direct");
    expect(listKindOf("nonsense")).toBe("unknown");
  });
});

/** Builds the key of a parsed key again with the builders. */
function rebuild(p: ParsedSessionKey): string {
  switch (p.kind) {
    case "main": return mainSessionKey(p.agentId, p.mainKey);
    case "direct": return dmSessionKey({ agentId: p.agentId, dmScope: p.dmScope, channel: p.channel, accountId: p.accountId, peer: p.peer });
    case "group":
    case "channel": return groupSessionKey({ agentId: p.agentId, channel: p.channel, groupId: p.groupId, kind: p.kind, topicId: p.topicId });
    case "cron": return cronSessionKey(p.jobId);
    case "hook": return hookSessionKey(p.id);
    case "node": return nodeSessionKey(p.nodeId);
    case "global": return GLOBAL_SESSION_KEY;
    case "unknown": return p.key;
  }
}
