// Confidant's embed script, version 1: it resizes Confidant frames on a partner's page,
// and offers <confidant-form src="…">, which makes such a frame. It never renders a form
// into the partner's page, and it reads nothing from the frames but their height.
//
// It listens only to messages whose source is one of its own frames and whose origin is
// the origin it was loaded from, and takes from them only a height, which it checks:
// `{ type: "confidant:embed:height", version: 1, height }`, a whole multiple of 32 from
// 320 to 4096 pixels; and, for a partner registered with `--completed`, a bare
// `{ type: "confidant:embed:completed", version: 1 }`, which it passes on as a
// `confidant:completed` event on the frame. Anything else is ignored. docs/embedding.md
// explains the snippet.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.src) return;
  const app = new URL(script.src).origin;
  const STEP = 32;
  const LEAST = 320;
  const MOST = 4096;
  const SANDBOX = "allow-scripts allow-same-origin allow-forms allow-downloads allow-popups " +
    "allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation";

  const ours = () => document.querySelectorAll("iframe[data-confidant-embed]");

  window.addEventListener("message", (event) => {
    if (event.origin !== app) return;
    const frame = [...ours()].find((candidate) => candidate.contentWindow === event.source);
    if (!frame) return;
    const data = event.data;
    if (data === null || typeof data !== "object" || data.version !== 1) return;
    // Sent, when the partner asked to know: an event on the frame, with nothing in it.
    if (data.type === "confidant:embed:completed" && Object.keys(data).length === 2) {
      frame.dispatchEvent(new CustomEvent("confidant:completed", { bubbles: true }));
      return;
    }
    if (data.type !== "confidant:embed:height") return;
    const height = data.height;
    if (!Number.isInteger(height) || height < LEAST || height > MOST || height % STEP !== 0) return;
    frame.style.height = `${height}px`;
  });

  class ConfidantForm extends HTMLElement {
    connectedCallback() {
      if (this.querySelector("iframe")) return;
      let url;
      try {
        url = new URL(this.getAttribute("src") ?? "", app);
      } catch {
        return;
      }
      if (url.origin !== app || !url.pathname.startsWith("/embed/")) return;
      const frame = document.createElement("iframe");
      frame.src = url.href;
      frame.title = this.getAttribute("title") || "Confidant form";
      frame.setAttribute("sandbox", SANDBOX);
      frame.setAttribute("referrerpolicy", "no-referrer");
      frame.setAttribute("allow", "");
      frame.setAttribute("loading", "lazy");
      frame.setAttribute("data-confidant-embed", "");
      frame.style.cssText = `display:block;width:100%;height:${LEAST * 2}px;border:0`;
      this.append(frame);
    }
  }
  if (!customElements.get("confidant-form")) {
    customElements.define("confidant-form", ConfidantForm);
  }
})();
