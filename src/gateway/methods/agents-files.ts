/**
 * @module Handlers of `agents.files.list`, `agents.files.get`, `agents.files.set`: read and edit the
 * agent's workspace bootstrap files over WS (agent.md §3.1). Only the bootstrap file names are
 * accepted, never paths; writes are atomic and apply to the next run's system prompt.
 */
import { WORKSPACE_FILES, isWorkspaceFile, listWorkspaceFiles, readWorkspaceFile, writeWorkspaceFile } from "../../agent/workspace.ts";
import { GatewayError } from "../../protocol/index.ts";
import type { GatewayServices, MethodTable } from "../context.ts";

/** The agent id of a request (`main`, the only agent); an unknown id is INVALID_REQUEST. */
function agentOf(s: GatewayServices, agentId: string | undefined): string {
  s.agent.resolveKey(undefined, agentId);
  return "main";
}

/**
 * The file name of a request.
 * @throws {GatewayError} INVALID_REQUEST naming the allowed files for any other name.
 */
function fileName(name: string): string {
  if (!isWorkspaceFile(name)) throw new GatewayError("INVALID_REQUEST", `unknown agent file ${JSON.stringify(name)}; allowed: ${WORKSPACE_FILES.join(", ")}`);
  return name;
}

/** Agent workspace file handlers. */
export const agentsFilesMethods: MethodTable = {
  "agents.files.list": (p: { agentId?: string } | undefined, { services: s }) => ({
    agentId: agentOf(s, p?.agentId), workspace: s.workspace, files: listWorkspaceFiles(s.workspace),
  }),

  "agents.files.get": (p: { name: string; agentId?: string }, { services: s }) => {
    agentOf(s, p.agentId);
    const name = fileName(p.name);
    const content = readWorkspaceFile(s.workspace, name);
    return content === undefined ? { name, content: "", missing: true } : { name, content };
  },

  "agents.files.set": (p: { name: string; content: string; agentId?: string }, { services: s }) => {
    agentOf(s, p.agentId);
    const name = fileName(p.name);
    const size = writeWorkspaceFile(s.workspace, name, p.content);
    s.log.info("agent file written", { name, size });
    return { ok: true, name, size };
  },
};
