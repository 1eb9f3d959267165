/** @module Params and results of `agents.files.list`, `agents.files.get`, `agents.files.set`: the agent's workspace bootstrap files (agent.md §3.1). */
import { Type } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const AgentId = Type.String({ minLength: 1, maxLength: 64 });
/** A bare file name (one of the bootstrap names; the handler names the allowed ones). */
const FileName = Type.String({ minLength: 1, maxLength: 64 });

/** `agents.files.list` params. */
export const AgentsFilesListParams = Opt(Type.Object({ agentId: Opt(AgentId) }, { ...Closed, $id: "AgentsFilesListParams" }));
/** `agents.files.list` result: the bootstrap files in prompt order; a missing one has no size or mtime. */
export const AgentsFilesListResult = Type.Object(
  {
    agentId: Type.String(),
    workspace: Type.String(),
    files: Type.Array(Type.Object(
      { name: Type.String(), size: Opt(Type.Integer({ minimum: 0 })), updatedAtMs: Opt(Type.Integer()), missing: Opt(Type.Literal(true)) },
      { ...Closed, $id: "AgentsFileInfo" },
    )),
  },
  { ...Closed, $id: "AgentsFilesListResult" },
);

/** `agents.files.get` params. */
export const AgentsFilesGetParams = Type.Object({ name: FileName, agentId: Opt(AgentId) }, { ...Closed, $id: "AgentsFilesGetParams" });
/** `agents.files.get` result: a missing file reads as empty with `missing: true`. */
export const AgentsFilesGetResult = Type.Object(
  { name: Type.String(), content: Type.String(), missing: Opt(Type.Literal(true)) },
  { ...Closed, $id: "AgentsFilesGetResult" },
);

/** `agents.files.set` params: the whole new content (written atomically). */
export const AgentsFilesSetParams = Type.Object(
  { name: FileName, content: Type.String({ maxLength: 2_000_000 }), agentId: Opt(AgentId) },
  { ...Closed, $id: "AgentsFilesSetParams" },
);
/** `agents.files.set` result: the size written, in bytes. */
export const AgentsFilesSetResult = Type.Object(
  { ok: Type.Literal(true), name: Type.String(), size: Type.Integer({ minimum: 0 }) },
  { ...Closed, $id: "AgentsFilesSetResult" },
);
