# The gateway's default policy. Entrypoint: gateway/decision.
#
# Input: schema/input.v1.json (identity, request, route). Output: the decision document
# {allow, reason, permissions, claims, rate_limits, headers} the gateway checks and enforces.
#
# - Access by scope per route: a route with id R needs scope "R:read" for GET/HEAD/OPTIONS and
#   "R:write" for other methods; "R:*" grants both.
# - Rate limits by identity type (per API key): humans, services and agents differ.
# - Claims for the upstream's JWT by identity type.
package gateway

import rego.v1

read_methods := {"GET", "HEAD", "OPTIONS"}

method_kind := "read" if input.request.method in read_methods

method_kind := "write" if {
	input.request.method
	not input.request.method in read_methods
}

required_scope := concat(":", [input.route.id, method_kind])

route_wildcard := concat(":", [input.route.id, "*"])

scope_ok if required_scope in input.identity.scopes

scope_ok if route_wildcard in input.identity.scopes

# Requests per window, per API key, by identity type.
limits := {
	"human": {"limit": 120, "window": "1m"},
	"service": {"limit": 1200, "window": "1m"},
	"agent": {"limit": 30, "window": "1m"},
}

rate_limits := [{
	"key": concat(":", ["key", input.identity.key_id]),
	"limit": limits[input.identity.type].limit,
	"window": limits[input.identity.type].window,
}]

claims := {"kind": "human", "user": input.identity.subject, "plan": input.identity.plan} if {
	input.identity.type == "human"
}

claims := {"kind": "service", "service": input.identity.subject} if {
	input.identity.type == "service"
}

claims := {"kind": "agent", "agent": input.identity.subject, "acts_for": input.identity.org} if {
	input.identity.type == "agent"
}

default decision := {"allow": false, "reason": "no_identity"}

decision := {
	"allow": true,
	"reason": "scope_ok",
	"permissions": [required_scope],
	"claims": claims,
	"rate_limits": rate_limits,
	"headers": {"X-Gateway-Org": input.identity.org},
} if {
	scope_ok
} else := {"allow": false, "reason": "scope_missing"} if {
	input.identity.key_id
}
