/** @module Entry of the WebChat page (`/chat`). */
import { ChatView } from "./chat/chat-view.ts";
import { createConnection } from "./lib/connect-panel.ts";

const { conn, panel, badge } = createConnection({ id: "webchat-ui", mode: "webchat", displayName: "Mayros WebChat" });
const view = new ChatView(conn, badge);
document.getElementById("app")!.replaceChildren(panel, view.main);
conn.start();
