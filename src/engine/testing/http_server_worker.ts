/**
 * Test support: an HTTP server on another thread, for http.send's tests (the thread that calls
 * http.send blocks, so a server on it could never answer). Posts its port when listening.
 *
 * /json answers {"hello": "world"} with max-age 60; /slow never answers; /big answers 64 KiB;
 * /echo answers the request (method, headers, body) as JSON; anything else 404.
 */
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const url = new URL(req.url);
  switch (url.pathname) {
    case "/json":
      return Response.json({ hello: "world" }, {
        headers: { "cache-control": "max-age=60", "x-count": "1" },
      });
    case "/slow":
      await new Promise(() => {});
      return new Response();
    case "/big":
      return new Response("x".repeat(64 * 1024));
    case "/echo":
      return Response.json({
        method: req.method,
        contentType: req.headers.get("content-type"),
        auth: req.headers.get("authorization"),
        body: await req.text(),
      });
    default:
      return new Response("nope", { status: 404 });
  }
});
self.postMessage(server.addr.port);
