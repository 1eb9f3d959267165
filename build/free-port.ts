/** @module A free loopback TCP port, for the build's training run, the bench and the tests. */

/** A free loopback port: bind port 0 on 127.0.0.1, read it, release it. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}
