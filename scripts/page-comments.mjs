// The build's pages without the comments of index.html (scripts/shrink-assets.mjs strips
// them; bench/weight.mjs prints what they would cost).

/**
 * The page without its comments, which say why the page is as it is to whoever reads
 * index.html and reach every visitor otherwise: the built page was 2,353 bytes brotli
 * with them, and is 1,497 without (2026-12-03). A comment alone on its line goes with its line, and
 * so does a line Trunk left blank where it took out a link. The text of a script element
 * is left as it is: the server allows Trunk's inline start-up script by the hash of its
 * text.
 */
export function withoutComments(page) {
  const scripts = [];
  return page
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, (script) => `\u0000${scripts.push(script) - 1}\u0000`)
    .replace(/^[ \t]*<!--(?:(?!-->)[\s\S])*-->[ \t]*\r?\n/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/^[ \t]*\r?\n/gm, "")
    .replace(/\u0000(\d+)\u0000/g, (_, at) => scripts[Number(at)]);
}
