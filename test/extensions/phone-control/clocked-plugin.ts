/**
 * @module The real phone-control plugin on a fake clock for a gateway e2e: {@link e2eClock}, shared by the test
 * and the plugin the gateway loads from {@link clockedPhoneControlDir}.
 */
import { clockedPluginDir } from "../../helpers/clocked-plugin.ts";
import { FakeClock } from "./fake-clock.ts";

/** The clock the clocked plugin reads; tests advance it. */
export const e2eClock = new FakeClock();

/** @returns a new folder holding the clocked `phone-control` plugin folder (remove it after the test) */
export function clockedPhoneControlDir(): string {
  return clockedPluginDir({ extension: "phone-control", factory: "phoneControlPlugin", clockModule: import.meta.path, clockExport: "e2eClock", clock: "e2eClock" });
}
