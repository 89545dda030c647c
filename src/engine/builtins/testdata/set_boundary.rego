package t
import future.keywords
r_expand_member if net.cidr_expand("10.0.0.0/31")["10.0.0.1"]
r_expand_in if "10.0.0.0" in net.cidr_expand("10.0.0.0/31")
r_expand_eq if net.cidr_expand("10.0.0.0/31") == {"10.0.0.0", "10.0.0.1"}
r_expand_is_set := is_set(net.cidr_expand("10.0.0.0/30"))
r_expand_union := net.cidr_expand("10.0.0.0/31") | {"x"}
r_merge_member if net.cidr_merge(["10.0.0.0/32", "10.0.0.1/32"])["10.0.0.0/31"]
r_merge_eq if net.cidr_merge({"10.0.0.0/32", "10.0.0.1/32", "192.168.0.0/24"}) == {"10.0.0.0/31", "192.168.0.0/24"}
r_merge_type := type_name(net.cidr_merge(["10.0.0.0/32"]))
r_ccm_member if net.cidr_contains_matches(["10.0.0.0/8"], ["10.1.1.1"])[[0, 0]]
r_ccm_eq if net.cidr_contains_matches({"a": "10.0.0.0/8"}, ["10.1.1.1", "11.0.0.1"]) == {["a", 0]}
r_ccm_set_keys := net.cidr_contains_matches({"10.0.0.0/8", "192.168.0.0/16"}, {"10.1.1.1", "192.168.1.1"})
r_ccm_set_tuple_keys := net.cidr_contains_matches({["10.0.0.0/8", "x"]}, "10.1.1.1")
r_ccm_type := type_name(net.cidr_contains_matches("10.0.0.0/8", "10.0.0.1"))
r_reach_member if graph.reachable({"a": {"b"}, "b": ["c"], "c": set()}, {"a"})["c"]
r_reach_eq if graph.reachable({"a": {"b"}, "b": ["c"], "c": set()}, ["a"]) == {"a", "b", "c"}
r_reach_type := type_name(graph.reachable({"a": []}, ["a"]))
r_paths_member if graph.reachable_paths({"a": {"b"}, "b": ["c"], "c": set()}, {"a"})[["a", "b", "c"]]
r_paths_eq if graph.reachable_paths({"a": ["b", "c"], "b": [], "c": []}, ["a"]) == {["a", "b"], ["a", "c"]}
r_paths_type := type_name(graph.reachable_paths({"a": []}, ["a"]))
r_set_diff_member if set_diff({1, 2, 3}, {2})[3]
r_set_diff_eq if set_diff({1, 2, 3}, {2}) == {1, 3}
r_cast_set_member if cast_set(["a", "b", "a"])["b"]
r_cast_set_eq if cast_set(["a", "b", "a"]) == {"a", "b"}
r_cast_set_of_set if cast_set({"x", "y"}) == {"x", "y"}
r_cast_set_nested := [x | some x in cast_set([{1}, {1}, [1]]); is_set(x)]
r_cast_array_set := cast_array({3, 1})
r_cast_array_nested_isset := is_set(cast_array({{1}})[0])
r_cast_object_isset := is_set(cast_object({"a": {1}}).a)
r_subset_sets := object.subset({1, 2, 3}, {1, 3})
r_subset_sets_not := object.subset({1, 3}, {1, 2})
r_subset_arr_set := object.subset([1, 2, 3], {1, 3})
r_subset_set_arr := object.subset({1, 2, 3}, [1, 3])
r_subset_nested := object.subset({"a": {1, 2, 3}}, {"a": {1, 3}})
r_subset_nested_arr_set := object.subset({"a": [1, 2, 3]}, {"a": {1, 3}})
r_subset_arrs_contiguous := object.subset([1, 2, 3, 4], [2, 3])
r_union_n := object.union_n([{"a": {1}}, {"b": {2}}])
r_union_n_isset := is_set(object.union_n([{"a": {1}}, {"b": {2}}]).a)
r_filter := json.filter({"a": {1, 2}, "b": 1}, ["a"])
r_filter_isset := is_set(json.filter({"a": {1, 2}, "b": 1}, ["a"]).a)
r_filter_into_set := json.filter({"a": {"x", "y"}}, ["a/x"])
r_filter_set_paths := json.filter({"a": 1, "b": 2, "c": 3}, {"a", "c"})
r_remove_isset := is_set(json.remove({"a": {1, 2}, "b": 1}, ["b"]).a)
r_remove_into_set := json.remove({"a": {"x", "y"}}, ["a/x"])
r_remove_into_set_isset := is_set(json.remove({"a": {"x", "y"}}, ["a/x"]).a)
r_patch_isset := is_set(json.patch({"a": {1}}, [{"op": "add", "path": "/b", "value": 1}]).a)
r_patch_set_add := json.patch({"a": {"x"}}, [{"op": "add", "path": "/a/y", "value": "y"}])
r_patch_set_add_isset := is_set(json.patch({"a": {"x"}}, [{"op": "add", "path": "/a/y", "value": "y"}]).a)
r_patch_set_add_mismatch := json.patch({"a": {"x"}}, [{"op": "add", "path": "/a/y", "value": "z"}])
r_patch_set_remove := json.patch({"a": {"x", "y"}}, [{"op": "remove", "path": "/a/x"}])
r_patch_set_remove_missing := json.patch({"a": {"x", "y"}}, [{"op": "remove", "path": "/a/z"}])
r_patch_root_set := json.patch({"x"}, [{"op": "add", "path": "/y", "value": "y"}])
r_patch_root_set_isset := is_set(json.patch({"x"}, [{"op": "add", "path": "/y", "value": "y"}]))
r_patch_test_set := json.patch({"a": {"x"}}, [{"op": "test", "path": "/a", "value": {"x"}}])
r_patch_into_set_member := json.patch({"a": {{"k": 1}}}, [{"op": "add", "path": ["a", {"k": 1}, "k"], "value": 2}])
r_nul_key := json.patch({"\u0000": [1], "a": {"\u0000x": 2}}, [])
r_nul_key_lookup := json.patch({"\u0000": [1], "a": {"\u0000x": 2}}, []).a["\u0000x"]
r_nul_key_not_set := is_set(json.patch({"\u0000": [1]}, []))
r_empty_set := json.patch(set(), [])
r_empty_set_isset := is_set(json.patch(set(), []))
r_nested_sets := json.patch({{1, {2}}, [set()]}, []) == {{1, {2}}, [set()]}
r_sprintf_set := sprintf("%v", [json.patch({2, 1}, [])])
r_urlq := urlquery.encode_object({"a": {"z", "b"}, "c": ["z", "b"]})
r_json_marshal := json.marshal({"a": {2, 1}})
r_yaml_marshal := yaml.marshal({"a": {2, 1}})
r_all := all({true})
r_any := any({false, true})
r_semver := semver.is_valid({"1.0.0"})
