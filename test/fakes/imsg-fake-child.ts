#!/usr/bin/env bun
/**
 * @module The child side of the `imsg` fake, run as `<bun> imsg-fake-child.ts rpc [--db <path>]` by the wrapper
 * script {@link startImsgFake} writes. It is a dumb pipe to the test: it connects to the control WebSocket named by
 * `IMSG_FAKE_CONTROL`, says `{hello: {pid, argv}}`, forwards every stdin line as `{line}`, and obeys control
 * messages in order: `{out}` → that text plus `\n` on stdout, `{raw}` → that text as is on stdout, `{err}` → that
 * text on stderr, `{exit}` → exit with that code. It exits 0 when stdin closes and 3 when the control socket does.
 */
const url = process.env.IMSG_FAKE_CONTROL;
if (!url) {
  await Bun.write(Bun.stderr, "imsg-fake: IMSG_FAKE_CONTROL is not set\n");
  process.exit(2);
}

/** Outputs and exits run one after another, in the order the test sent them. */
let output: Promise<unknown> = Promise.resolve();
const later = (step: () => unknown) => {
  output = output.then(step);
};

const early: string[] = [];
const ws = new WebSocket(url);
ws.onopen = () => {
  ws.send(JSON.stringify({ hello: { pid: process.pid, argv: process.argv.slice(2) } }));
  for (const line of early.splice(0)) ws.send(JSON.stringify({ line }));
};
ws.onmessage = (event) => {
  const cmd = JSON.parse(String(event.data)) as { out?: string; raw?: string; err?: string; exit?: number };
  if (cmd.out !== undefined) later(() => Bun.write(Bun.stdout, `${cmd.out}\n`));
  if (cmd.raw !== undefined) later(() => Bun.write(Bun.stdout, cmd.raw!));
  if (cmd.err !== undefined) later(() => Bun.write(Bun.stderr, cmd.err!));
  if (cmd.exit !== undefined) later(() => process.exit(cmd.exit));
};
ws.onclose = () => later(() => process.exit(3));

const decoder = new TextDecoder();
let buffer = "";
for await (const chunk of Bun.stdin.stream()) {
  buffer += decoder.decode(chunk, { stream: true });
  for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ line }));
    else early.push(line);
  }
}
later(() => process.exit(0));

export {};
