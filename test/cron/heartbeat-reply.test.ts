/** @module Tests of heartbeat replies: HEARTBEAT_OK stripping, ack classification, HEARTBEAT.md emptiness, the prompt. */
import { describe, expect, it } from "bun:test";
import {
  classifyHeartbeatReply, DEFAULT_HEARTBEAT_PROMPT, heartbeatMessage, isHeartbeatFileEmpty, stripHeartbeatToken,
} from "../../src/cron/heartbeat-reply.ts";

describe("stripHeartbeatToken", () => {
  it("should strip the token at the start or the end, with markup and a full stop", () => {
    expect(stripHeartbeatToken("HEARTBEAT_OK")).toEqual({ text: "", didStrip: true });
    expect(stripHeartbeatToken("  **HEARTBEAT_OK**  ")).toEqual({ text: "", didStrip: true });
    expect(stripHeartbeatToken("HEARTBEAT_OK. All quiet.")).toEqual({ text: "All quiet.", didStrip: true });
    expect(stripHeartbeatToken("All quiet. `HEARTBEAT_OK`")).toEqual({ text: "All quiet.", didStrip: true });
    expect(stripHeartbeatToken("HEARTBEAT_OK HEARTBEAT_OK")).toEqual({ text: "", didStrip: true });
  });

  it("should leave a token in the middle alone", () => {
    expect(stripHeartbeatToken("Say HEARTBEAT_OK when done, please")).toEqual({ text: "Say HEARTBEAT_OK when done, please", didStrip: false });
  });
});

describe("classifyHeartbeatReply", () => {
  it("should see nothing or NO_REPLY as empty", () => {
    expect(classifyHeartbeatReply("   ")).toEqual({ kind: "empty" });
    expect(classifyHeartbeatReply("NO_REPLY")).toEqual({ kind: "empty" });
  });

  it("should see the token with at most ackMaxChars besides it as an ack", () => {
    expect(classifyHeartbeatReply("HEARTBEAT_OK")).toEqual({ kind: "ack" });
    expect(classifyHeartbeatReply(`HEARTBEAT_OK ${"x".repeat(300)}`, 300)).toEqual({ kind: "ack" });
    expect(classifyHeartbeatReply(`HEARTBEAT_OK ${"x".repeat(301)}`, 300)).toEqual({ kind: "alert", text: "x".repeat(301) });
  });

  it("should see anything else as an alert, token-free", () => {
    expect(classifyHeartbeatReply("Your 10:00 meeting moved to 11:00.")).toEqual({ kind: "alert", text: "Your 10:00 meeting moved to 11:00." });
    expect(classifyHeartbeatReply("Mid HEARTBEAT_OK text")).toEqual({ kind: "alert", text: "Mid HEARTBEAT_OK text" });
  });
});

describe("isHeartbeatFileEmpty", () => {
  it("should see blanks, headings and empty list items as empty", () => {
    expect(isHeartbeatFileEmpty("")).toBe(true);
    expect(isHeartbeatFileEmpty("# Heartbeat checklist\n\n")).toBe(true);
    expect(isHeartbeatFileEmpty("# A\r\n## B\n-\n- [ ]\n* \n")).toBe(true);
  });

  it("should see any task as content", () => {
    expect(isHeartbeatFileEmpty("# Checklist\n- check the inbox\n")).toBe(false);
    expect(isHeartbeatFileEmpty("#hashtag is not a heading")).toBe(false);
  });
});

describe("heartbeatMessage", () => {
  it("should be the prompt alone without system events", () => {
    expect(heartbeatMessage(DEFAULT_HEARTBEAT_PROMPT, [])).toBe(DEFAULT_HEARTBEAT_PROMPT);
    expect(DEFAULT_HEARTBEAT_PROMPT).toContain("reply HEARTBEAT_OK");
  });

  it("should put each system event on a System: line before the prompt", () => {
    expect(heartbeatMessage("P", ["a", "b"])).toBe("System: a\nSystem: b\n\nP");
  });
});
