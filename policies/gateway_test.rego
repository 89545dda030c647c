package gateway_test

import rego.v1

import data.gateway

identity(type, scopes) := {
	"key_id": "key_1",
	"org": "acme",
	"subject": "alice",
	"type": type,
	"scopes": scopes,
	"plan": "pro",
	"env": "test",
}

req(method, type, scopes) := {
	"version": 1,
	"identity": identity(type, scopes),
	"request": {"id": "r1", "method": method, "path": "/orders/1", "host": "h", "query": {}, "headers": {}, "client": {"address": "127.0.0.1"}, "time": "2025-01-01T00:00:00Z"},
	"route": {"id": "orders", "upstream": "http://orders", "prefix": "/orders"},
}

test_read_scope_allows_get if {
	d := gateway.decision with input as req("GET", "human", ["orders:read"])
	d.allow == true
	d.reason == "scope_ok"
	d.permissions == ["orders:read"]
}

test_read_scope_does_not_allow_post if {
	d := gateway.decision with input as req("POST", "human", ["orders:read"])
	d.allow == false
	d.reason == "scope_missing"
}

test_write_scope_allows_post if {
	d := gateway.decision with input as req("POST", "service", ["orders:write"])
	d.allow == true
	d.permissions == ["orders:write"]
}

test_wildcard_scope_allows_both if {
	gateway.decision.allow with input as req("GET", "human", ["orders:*"])
	gateway.decision.allow with input as req("DELETE", "human", ["orders:*"])
}

test_other_route_scope_denies if {
	d := gateway.decision with input as req("GET", "human", ["billing:read"])
	d.allow == false
}

test_no_input_denies if {
	d := gateway.decision with input as {}
	d.allow == false
	d.reason == "no_identity"
}

test_rate_limits_differ_by_identity_type if {
	h := gateway.decision with input as req("GET", "human", ["orders:read"])
	s := gateway.decision with input as req("GET", "service", ["orders:read"])
	a := gateway.decision with input as req("GET", "agent", ["orders:read"])
	h.rate_limits[0].limit == 120
	s.rate_limits[0].limit == 1200
	a.rate_limits[0].limit == 30
	a.rate_limits[0].key == "key:key_1"
	a.rate_limits[0].window == "1m"
}

test_claims_by_identity_type if {
	h := gateway.decision with input as req("GET", "human", ["orders:read"])
	h.claims == {"kind": "human", "user": "alice", "plan": "pro"}
	s := gateway.decision with input as req("GET", "service", ["orders:read"])
	s.claims == {"kind": "service", "service": "alice"}
	a := gateway.decision with input as req("GET", "agent", ["orders:read"])
	a.claims == {"kind": "agent", "agent": "alice", "acts_for": "acme"}
}

test_org_header_for_upstream if {
	d := gateway.decision with input as req("GET", "human", ["orders:read"])
	d.headers == {"X-Gateway-Org": "acme"}
}
