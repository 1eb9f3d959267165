/** @module The canvas root in the state directory and its default page, created on first start. */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The page written to `<stateDir>/canvas/index.html` when there is none. */
export const DEFAULT_CANVAS_INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Mayros Canvas</title>
  <style>
    :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
    body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
    main { max-width: 32rem; padding: 2rem; line-height: 1.5; }
    h1 { margin-top: 0; font-size: 1.6rem; }
    code { font-size: 0.95em; }
  </style>
</head>
<body>
  <main>
    <h1>Hello from your Mayros canvas</h1>
    <p>This page lives in the <code>canvas</code> folder of your Mayros state directory.
      Your agent can edit the files there (HTML, CSS, JavaScript, images) to show you things,
      and the page reloads by itself whenever they change.</p>
    <p>Ask your agent to draw something here.</p>
  </main>
</body>
</html>
`;

/**
 * Makes sure `<stateDir>/canvas/` exists and holds an `index.html`. An existing `index.html` is
 * never overwritten (it is created with an exclusive open, so a concurrent writer also wins).
 * @param stateDir - the gateway's state directory (`~/.mayros` by default).
 * @returns the absolute path of the canvas root.
 * @throws {Error} when the directory or the page cannot be created (permissions, a file in the way).
 */
export async function ensureCanvasRoot(stateDir: string): Promise<string> {
  const root = resolve(stateDir, "canvas");
  await mkdir(root, { recursive: true });
  try {
    await writeFile(join(root, "index.html"), DEFAULT_CANVAS_INDEX_HTML, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return root;
}
