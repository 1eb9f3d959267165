/** @module Handler of `logs.tail`: cursor-based reads of the gateway's rotating log file. */
import type { LogsTailParams } from "../../protocol/methods/system.ts";
import { readLogTail } from "../../logging/tail.ts";
import type { MethodTable } from "../context.ts";

/** Log handlers. */
export const logsMethods: MethodTable = {
  "logs.tail": (params: LogsTailParams, { services }) => readLogTail(services.logFile, params ?? {}),
};
