// Evaluation context: input, data, entrypoint, result (four u32 fields).
import { allocZero } from "./heap";
import { objectValue } from "./value";

export function opa_eval_ctx_new(): usize {
  return allocZero(16);
}
export function opa_eval_ctx_set_input(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v);
}
export function opa_eval_ctx_set_data(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v, 4);
}
export function opa_eval_ctx_set_entrypoint(ctx: usize, e: i32): void {
  store<i32>(ctx, e, 8);
}
export function opa_eval_ctx_get_result(ctx: usize): usize {
  return load<u32>(ctx, 12);
}
export function rt_eval_ctx_input(ctx: usize): usize {
  return load<u32>(ctx);
}
export function rt_eval_ctx_data(ctx: usize): usize {
  const d = load<u32>(ctx, 4);
  if (d != 0) return d;
  const o = objectValue(0);
  store<u32>(ctx, <u32>o, 4);
  return o;
}
export function rt_eval_ctx_entrypoint(ctx: usize): i32 {
  return load<i32>(ctx, 8);
}
export function rt_eval_ctx_set_result(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v, 12);
}
