// The build's pages without the comments of index.html (scripts/shrink-assets.mjs strips
// them; bench/weight.mjs prints what they would cost).

/** A script element, whose text the page keeps as written. */
const SCRIPT = String.raw`(<script\b[^>]*>[\s\S]*?<\/script>)`;
/** A script, or a comment: whichever begins first. */
const SCRIPT_OR_COMMENT = new RegExp(String.raw`${SCRIPT}|<!--[\s\S]*?-->`, "g");
/**
 * A script, or a line of nothing but spaces and tabs: one that starts the page or follows
 * a line feed (not a CR, so that CR LF lines keep both).
 */
const SCRIPT_OR_BLANK_LINE = new RegExp(String.raw`${SCRIPT}|(?<![^\n])[ \t]*\r?\n`, "g");

/**
 * The page without its comments, which say why the page is as it is to whoever reads
 * index.html and reach every visitor otherwise: the built page was 2,353 bytes brotli
 * with them, and is 1,497 without (2026-12-03). A comment alone on its line leaves a line
 * of spaces, which goes, as does a line Trunk left blank where it took out a link.
 *
 * Scripts and comments are found in one reading from the start, so that whichever
 * begins first is taken whole: a comment that mentions `<script>` is still a comment,
 * and a script's text is kept as written even where it holds `<!--` (the server allows
 * Trunk's inline start-up script by the hash of its text).
 */
export function withoutComments(page) {
  const keepScripts = (_, script) => script ?? "";
  return page.replace(SCRIPT_OR_COMMENT, keepScripts).replace(SCRIPT_OR_BLANK_LINE, keepScripts);
}
