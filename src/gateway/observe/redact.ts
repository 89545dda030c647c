/**
 * Masks what may carry a credential in a URL before it is logged: the userinfo
 * (`https://user:token@host/…`), the query (`?token=…`, a signed URL's signature) and the fragment. Every log
 * line that can hold a configured or requested URL goes through here (main.ts, proxy errors).
 */

const URL_IN_TEXT = /\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>()]+/g;

/** The URL with its userinfo and query masked ("***"); text that is not a URL comes back as is. */
export function redactUrl(text: string): string {
  const url = URL.parse(text);
  if (url === null || !text.includes("://")) return text;
  if (url.username !== "" || url.password !== "") {
    url.username = "***";
    url.password = "";
  }
  if (url.search !== "") url.search = "?***";
  if (url.hash !== "") url.hash = "#***";
  return url.href;
}

/** Every URL inside a free text (an error message) redacted as `redactUrl` does. */
export function redactUrlsIn(text: string): string {
  return text.indexOf("://") === -1 ? text : text.replace(URL_IN_TEXT, redactUrl);
}
