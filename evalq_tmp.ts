import { parseQuery } from "./src/rego/mod.ts";
const q = `x := 1; y = data.a[i]
  not x == 2;   count([1]) with input as 1
some z in [1]; every k in [1] { k > 0 }`;
const r = parseQuery(q, "query", { regoVersion: 1 });
console.log(JSON.stringify(r.diagnostics));
for (const e of r.body!) console.log(e.kind, JSON.stringify(e.loc), (e as any).negated, (e as any).with?.map((w: any) => w.loc));
