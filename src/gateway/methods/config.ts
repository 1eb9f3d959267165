/** @module Handlers of `config.get`, `config.schema`, `config.patch`, `config.apply`. */
import type { ConfigWriteParams } from "../../protocol/methods/config.ts";
import type { MethodTable } from "../context.ts";

/** Config handlers; the config service validates, writes atomically and checks `baseHash`. */
export const configMethods: MethodTable = {
  "config.get": (_params, { services }) => services.config.get(),
  "config.schema": (_params, { services }) => services.config.schema(),
  "config.patch": (params: ConfigWriteParams, { services }) => services.config.write("patch", params.raw, params.baseHash),
  "config.apply": (params: ConfigWriteParams, { services }) => services.config.write("apply", params.raw, params.baseHash),
};
