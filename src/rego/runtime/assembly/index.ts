// Entry file of the Rego Wasm runtime: everything exported here is a module export.
export { opa_malloc, opa_free, opa_heap_ptr_get, opa_heap_ptr_set, rt_heap_init } from "./heap";
export { rt_abort, rt_set_strict, rt_builtin_error } from "./host";
export { opa_json_parse, opa_value_parse } from "./json_parse";
export { opa_json_dump, opa_value_dump } from "./json_dump";
export {
  opa_eval_ctx_new, opa_eval_ctx_set_input, opa_eval_ctx_set_data, opa_eval_ctx_set_entrypoint,
  opa_eval_ctx_get_result, rt_eval_ctx_input, rt_eval_ctx_data, rt_eval_ctx_entrypoint,
  rt_eval_ctx_set_result,
} from "./ctx";
export {
  rt_null, rt_boolean, rt_number_int, rt_number_ref, rt_string, rt_array, rt_array_append, rt_object,
  rt_object_insert, rt_set, rt_set_add, rt_type, rt_is_true, rt_is_false, rt_length, rt_get, rt_iter,
  rt_object_insert_once, rt_object_merge, rt_upsert, rt_copy,
} from "./api";
export { rt_compare, rt_equal } from "./compare";
export {
  bi_equal, bi_neq, bi_lt, bi_lte, bi_gt, bi_gte, bi_plus, bi_minus, bi_mul, bi_div, bi_rem, bi_abs, bi_round,
  bi_ceil, bi_floor, bi_numbers_range, bi_and, bi_or,
} from "./bi_numbers";
export {
  bi_count, bi_sum, bi_product, bi_max, bi_min, bi_sort, bi_internal_member_2, bi_internal_member_3,
  bi_is_number, bi_is_string, bi_is_boolean, bi_is_array, bi_is_set, bi_is_object, bi_is_null, bi_type_name,
  bi_to_number,
} from "./bi_aggregates";
export {
  bi_concat, bi_contains, bi_startswith, bi_endswith, bi_indexof, bi_lower, bi_upper, bi_replace, bi_split,
  bi_substring, bi_trim, bi_trim_left, bi_trim_right, bi_trim_space, bi_trim_prefix, bi_trim_suffix,
  bi_strings_replace_n, bi_strings_reverse, bi_strings_count, bi_strings_any_prefix_match,
  bi_strings_any_suffix_match, bi_format_int,
} from "./bi_strings";
export {
  bi_object_get, bi_object_keys, bi_object_remove, bi_object_filter, bi_object_union, bi_array_concat,
  bi_array_slice, bi_array_reverse, bi_intersection, bi_union, bi_bits_and, bi_bits_or, bi_bits_xor,
  bi_bits_lsh, bi_bits_rsh, bi_bits_negate,
} from "./bi_collections";
export { bi_sprintf } from "./bi_sprintf";
export { bi_walk } from "./bi_walk";
export {
  bi_regex_match, bi_re_match, bi_regex_is_valid, bi_regex_split, bi_regex_find_n,
  bi_regex_find_all_string_submatch_n,
} from "./bi_regex";
export { bi_glob_match, bi_glob_quote_meta } from "./bi_glob";
export { bi_net_cidr_contains, bi_net_cidr_intersects, bi_net_cidr_overlap } from "./bi_net";
export {
  bi_base64_encode, bi_base64_decode, bi_base64_is_valid, bi_base64url_encode, bi_base64url_encode_no_pad,
  bi_base64url_decode,
} from "./bi_encoding";
export { bi_json_marshal, bi_json_unmarshal, bi_json_is_valid, bi_json_filter, bi_json_remove } from "./bi_json";
export { bi_graph_reachable } from "./bi_graph";
export { bi_all, bi_any, bi_set_diff } from "./bi_legacy";
export { rt_host_arg, rt_host_result } from "./host_sets";
